/**
 * Typed errors. Every failure a founder can meet carries a stable string `code`
 * (for logs, metrics and tests) and a `message` written for the founder: what
 * went wrong and what to do about it. Stack traces are for logs, never for chat.
 */
export type AureaErrorCode =
  | 'CONFIG_INVALID'
  | 'DATABASE_UNAVAILABLE'
  | 'DATABASE_LOCKED'
  | 'PGVECTOR_MISSING'
  | 'EMBEDDED_DB_SPLIT'
  | 'REDIS_UNAVAILABLE'
  | 'UNKNOWN_SERVICE'
  | 'UNKNOWN_AGENT'
  | 'INVALID_ARGUMENTS'
  | 'VOICE_TOO_LONG'
  | 'VOICE_TOO_LARGE'
  | 'VOICE_UNDECODABLE'
  | 'TRANSCRIPTION_FAILED'
  | 'NOTHING_TO_RETRY'
  | 'LLM_UNAVAILABLE'
  | 'LLM_BUDGET_REACHED'
  | 'GRAPH_BUSY'
  /** A run must wait: another run holds the service's lease (graphs/steps.ts holdService). */
  | 'SERVICE_BUSY'
  /** A run must wait for something outside (a pull request's checks): it continues later, off its worker. */
  | 'RUN_WAITS'
  /** A GitHub call failed (no access, a missing permission, GitHub down). */
  | 'GITHUB_FAILED'
  /** A resume job named an approval that is not the one its thread waits for (its thread, kind and step). */
  | 'APPROVAL_MISMATCH'
  /** Model-written code cannot run: the sandbox is missing or refused by the machine. */
  | 'SANDBOX_UNAVAILABLE'
  /** A task's tool was given a path outside its worktree (or into .git, or through a symlink out). */
  | 'PATH_REFUSED'
  /** A task's edit_file was given a file larger than it edits. */
  | 'FILE_TOO_LARGE'
  /** A task's edit_file did not find exactly one occurrence. */
  | 'EDIT_NOT_UNIQUE'
  /** A task's run_command was given a command off the service's allow-list. */
  | 'COMMAND_REFUSED'
  /** A git step of a task failed (worktree, commit, merge conflict). */
  | 'GIT_FAILED'
  /** A declarative agent's answer failed its schema or stated figures no tool showed. */
  | 'AGENT_OUTPUT_INVALID'
  /** A Stripe action without STRIPE_SECRET_KEY. */
  | 'STRIPE_UNAVAILABLE'
  /** `aurea demo` could not create or start its demo service. */
  | 'DEMO_FAILED'
  /** `aurea init` could not take an answer (a token refused, a file it must not overwrite). */
  | 'INIT_FAILED';

export class AureaError extends Error {
  override readonly name: string = 'AureaError';
  constructor(
    readonly code: AureaErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The embedded data dir is held by another live AUREA process, `pid` (when its lockfile names one). */
export class DatabaseLockedError extends AureaError {
  override readonly name = 'DatabaseLockedError';
  constructor(
    message: string,
    readonly pid?: number,
  ) {
    super('DATABASE_LOCKED', message);
  }
}

/** The configuration (env or aurea.config.yaml) is invalid; `key` names the offending setting. */
export class ConfigError extends AureaError {
  override readonly name = 'ConfigError';
  constructor(
    readonly key: string,
    message: string,
  ) {
    super('CONFIG_INVALID', message);
  }
}

/** Returns `err` as an AureaError when it is one, else undefined. */
export function asAureaError(err: unknown): AureaError | undefined {
  return err instanceof AureaError ? err : undefined;
}

/** A short, founder-safe description of any thrown value. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
