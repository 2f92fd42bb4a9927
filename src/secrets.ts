/**
 * Keeping secrets out of logs, chat messages and child processes (README: Security model).
 */

/** Environment variables that hold secrets; never passed to service scripts. */
export const SECRET_ENV_PATTERN = /TOKEN|SECRET|PASSWORD|API_KEY|PRIVATE_KEY|^DATABASE_URL$|^REDIS_URL$/i;

/** Token shapes scrubbed even when not configured: Telegram bot tokens ("123456:AA…", also inside API URLs), Slack xox?-/xapp- tokens. */
const TOKEN_SHAPES = /(?<!\d)\d{5,12}:[A-Za-z0-9_-]{30,}|\bxox[abpr]-[A-Za-z0-9-]{10,}|\bxapp-[A-Za-z0-9-]{10,}/g;

/**
 * Replaces every known secret value, and anything shaped like a Telegram or Slack token, with `[redacted]`.
 * @param text any text bound for a log line, a chat message or a prompt
 * @param secrets exact secret values from the configuration (Config.secrets)
 */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('[redacted]');
  return out.replace(TOKEN_SHAPES, '[redacted]');
}

/**
 * The environment for a child process (service test/deploy/rollback scripts): the parent's
 * environment minus every variable whose name marks it as a secret.
 */
export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !SECRET_ENV_PATTERN.test(k)));
}

/** A connection URL fit for messages and logs: its password replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}
