/**
 * The commit a service reports it runs, read from its health endpoint (`services.<name>.healthVersion`):
 * `$.a.b` walks the JSON body (a minimal JSONPath: dotted member names only), `header X-Commit`
 * reads a response header. Used to tell when a platform that deploys on merge runs the merge.
 */

/**
 * @returns the reported version (trimmed), or null when the endpoint does not answer or has no such field
 */
export async function readVersion(url: string, spec: string, timeoutMs: number): Promise<string | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    if (spec.startsWith('header ')) {
      await res.body?.cancel().catch(() => undefined);
      return res.headers.get(spec.slice('header '.length))?.trim() || null;
    }
    let value: unknown = await res.json();
    for (const key of spec.slice(2).split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    return typeof value === 'string' || typeof value === 'number' ? String(value).trim() || null : null;
  } catch {
    return null;
  }
}

/** Whether a reported version names `commit` (a full or abbreviated id, 7+ hex digits, either way round). */
export function namesCommit(version: string | null, commit: string): boolean {
  if (!version || !/^[0-9a-f]{7,40}$/i.test(version)) return false;
  const v = version.toLowerCase();
  return commit.startsWith(v) || v.startsWith(commit);
}
