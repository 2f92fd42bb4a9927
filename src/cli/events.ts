/**
 * `aurea events tail`: prints the running AUREA's events as they happen, one line each
 * (`14:02:11  deploy.succeeded  service:billing  {…data…}`), or each whole CloudEvent as one JSON
 * line with `--json`. Reads `GET /events/stream` with ADMIN_TOKEN; reconnects after a dropped
 * connection, resuming after the last event it printed (Last-Event-ID).
 */
import type { Config } from '../config.js';

export interface TailOptions {
  url?: string;
  types?: string;
  json?: boolean;
  /** Stops the tail (tests); without it, it runs until interrupted. */
  signal?: AbortSignal;
  /** Where lines go (default stdout). */
  write?: (line: string) => void;
}

/** Parses `aurea events tail [--types deploy.*,task.*] [--json] [--url <AUREA base URL>]`. */
export function tailOptions(argv: readonly string[]): TailOptions | string {
  const options: TailOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') options.json = true;
    else if (a === '--types' && argv[i + 1]) options.types = argv[++i];
    else if (a === '--url' && argv[i + 1]) options.url = argv[++i];
    else return `unknown option ${a}: aurea events tail [--types deploy.*,task.*] [--json] [--url http://127.0.0.1:<PORT>]`;
  }
  return options;
}

/** One printed line for a CloudEvent. */
export function tailLine(event: { time?: string; type: string; subject?: string; data?: unknown }): string {
  const time = event.time ? event.time.slice(11, 19) : '--:--:--';
  const { actor: _actor, ...data } = (event.data ?? {}) as Record<string, unknown>;
  return `${time}  ${event.type.replace(/^com\.aurea\./, '')}  ${event.subject ?? ''}  ${JSON.stringify(data)}`;
}

/**
 * Runs the tail.
 * @returns exit code: 0 when stopped, 2 without ADMIN_TOKEN, 1 when AUREA refuses the token
 */
export async function runEventsTail(config: Pick<Config, 'adminToken' | 'http'>, options: TailOptions): Promise<number> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (!config.adminToken) {
    console.error("aurea events tail: set ADMIN_TOKEN (the same as the running AUREA's) to read its event stream.");
    return 2;
  }
  const base = (options.url ?? `http://127.0.0.1:${config.http.port}`).replace(/\/+$/, '');
  const url = `${base}/events/stream${options.types ? `?types=${encodeURIComponent(options.types)}` : ''}`;
  let lastId: string | undefined;
  while (!options.signal?.aborted) {
    try {
      const res = await fetch(url, { headers: { authorization: `Bearer ${config.adminToken}`, accept: 'text/event-stream', ...(lastId ? { 'last-event-id': lastId } : {}) }, signal: options.signal });
      if (res.status === 401) {
        console.error(`aurea events tail: ${base} refused ADMIN_TOKEN.`);
        return 1;
      }
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      let buffer = '';
      const decoder = new TextDecoder();
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = Object.fromEntries(block.split('\n').filter((l) => l && !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trimStart()]));
          if (!fields.data) continue;
          if (fields.id) lastId = fields.id;
          write(options.json ? fields.data : tailLine(JSON.parse(fields.data)));
        }
      }
    } catch (err) {
      if (options.signal?.aborted) break;
      console.error(`aurea events tail: ${(err as Error).message}; reconnecting…`);
    }
    if (!options.signal?.aborted) await new Promise((r) => setTimeout(r, 1_000));
  }
  return 0;
}
