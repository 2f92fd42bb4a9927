import type { ServerResponse } from 'node:http';

/** Answers with a JSON body: every route of AUREA's HTTP server answers JSON. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
