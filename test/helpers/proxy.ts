/**
 * A reverse proxy on 127.0.0.1 in front of AUREA's HTTP server, for clients a test cannot change:
 * it adds headers (a bearer token the MCP conformance suite cannot send) and counts requests (to wait
 * for an Alertmanager repeat), streaming answers back unchanged.
 */
import { createServer, request, type Server } from 'node:http';

export interface Proxy {
  port: number;
  /** Requests passed on so far. */
  readonly requests: number;
  close(): Promise<void>;
}

export async function startProxy(target: number, options: { headers?: Record<string, string> } = {}): Promise<Proxy> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    const upstream = request({ host: '127.0.0.1', port: target, path: req.url, method: req.method, headers: { ...req.headers, ...options.headers } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    get requests() {
      return requests;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
