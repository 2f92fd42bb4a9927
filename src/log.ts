import { pino, type Logger } from 'pino';
import { scrub } from './secrets.js';

export type { Logger };

function scrubValue(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return scrub(value, secrets);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: scrub(value.message, secrets), stack: value.stack && scrub(value.stack, secrets) };
  }
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, secrets, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubValue(v, secrets, depth + 1)]));
}

/**
 * pino JSON logger whose every field and message is scrubbed of the configured secrets and of
 * anything shaped like a bot token, and whose well-known secret keys are redacted by path.
 * @param level pino level name
 * @param secrets secret values to remove (Config.secrets)
 * @param destination where JSON lines go (default stdout)
 */
export function createLogger(level: string, secrets: readonly string[], destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'aurea' },
      redact: { paths: ['token', '*.token', 'password', '*.password', 'headers.authorization', '*.headers.authorization'], censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => scrubValue(a, secrets)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}

/**
 * An error listener that logs at most once per `intervalMs` (a connection that keeps failing while
 * a server is away would otherwise log on every retry).
 * @returns a function to pass to `emitter.on('error', …)`
 */
export function logEvery(log: Logger, intervalMs: number, message: string): (err: unknown) => void {
  let last = 0;
  return (err) => {
    if (Date.now() - last < intervalMs) return;
    last = Date.now();
    log.warn({ err }, message);
  };
}
