/**
 * Sends a generic alert (README "Alert sources") to AUREA's `POST /webhooks/alert`, as an uptime
 * checker or a script would.
 * @param port AUREA's HTTP port
 * @param token ALERTS_TOKEN
 * @returns AUREA's JSON answer (`{ raised, resolved }`, or `{ error }`)
 */
export async function postAlert(port: number, token: string, body: Record<string, unknown>): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${port}/webhooks/alert`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  return res.json();
}
