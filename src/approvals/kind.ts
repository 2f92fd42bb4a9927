/**
 * Typed approval kinds. Each kind is declared once, by the module that requests it:
 *
 *   export const REFUND_APPROVAL = defineApprovalKind({
 *     kind: 'refund',
 *     payload: z.strictObject({ charge: z.string(), amount: z.number().int(), currency: z.string() }),
 *     async resume(approval, decider, deps: Pick<Core, 'stripe'>) { … approval.payload.charge … },
 *   });
 *
 * `approvals.request(REFUND_APPROVAL, { payload, … })` checks the payload against the schema before
 * anything is stored; when a decision is taken, the stored payload is parsed again before `resume`
 * sees it (a row edited in the database, or written by an older version, is refused, not cast).
 * The composition root binds each kind to its deps (`KIND.bind(deps)`) and registers the list.
 */
import type { z } from 'zod';
import type { Actor } from '../actor.js';
import { AureaError } from '../errors.js';
import type { ApprovalRow } from './row.js';

/** An approval row whose payload has been checked against its kind's schema. */
export type Approval<P> = Omit<ApprovalRow, 'payload'> & { payload: P };

/** What a kind declares. `D` is what its handlers need of AUREA's services. */
export interface ApprovalKindSpec<P, D> {
  /** The stored name (`deploy`, `refund`): lowercase words joined by `-`. */
  kind: string;
  /** The payload's schema (zod): what the request showed and the work is pinned to. */
  payload: z.ZodType<P>;
  /**
   * Who the request is about (an actor key, `telegram:123`), when that person must not decide it
   * (`/unpair` of a founder): their tap is refused.
   */
  subject?(payload: P): string | undefined;
  /**
   * Carries out the decision (approved, rejected or expired); runs in the background after the tap.
   * @param how.always the founder approved with the kind's "always" button (labels.approveAlways)
   */
  resume(approval: Approval<P>, decider: Actor, deps: D, how: { always: boolean }): Promise<void>;
  /** Whether the kind offers the "always" button: a tap with verb `always` on any other kind is refused. */
  approvesAlways?: boolean;
  /** The tapper's answer when their tap decided it (default: Approved. Working on it… / Rejected. Nothing will change.). */
  answer?(approval: Approval<P>): string;
  /** The tapper's answer when it was decided before (default: Already decided: <who, when>). */
  alreadyDecided?(approval: Approval<P>): string;
}

/** A kind bound to its deps, with its payload checked on the way in and out: what the tap path uses. */
export interface BoundApprovalKind {
  readonly kind: string;
  /** @throws AureaError INVALID_ARGUMENTS when the stored payload does not fit the kind's schema */
  resume(row: ApprovalRow, decider: Actor, how?: { always: boolean }): Promise<void>;
  /** The kind offers "always" (labels.approveAlways). */
  readonly approvesAlways: boolean;
  answer(row: ApprovalRow): string | undefined;
  alreadyDecided(row: ApprovalRow): string | undefined;
  /** The actor key of whom the request is about, if anyone. */
  subject(row: ApprovalRow): string | undefined;
}

export interface ApprovalKind<P, D> extends Readonly<Omit<ApprovalKindSpec<P, D>, 'resume' | 'answer' | 'alreadyDecided' | 'subject'>> {
  /**
   * The payload checked against the schema.
   * @throws AureaError INVALID_ARGUMENTS naming the first problem
   */
  parse(payload: unknown): P;
  /** The kind with its handlers' deps, for the registry (src/main.ts). */
  bind(deps: D): BoundApprovalKind;
}

const KIND_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Declares an approval kind (see the module comment).
 * @throws Error for a malformed kind name (a programming error)
 */
export function defineApprovalKind<P, D>(spec: ApprovalKindSpec<P, D>): ApprovalKind<P, D> {
  if (!KIND_NAME.test(spec.kind)) throw new Error(`approval kind "${spec.kind}": use lowercase words joined by -`);
  const parse = (payload: unknown): P => {
    const parsed = spec.payload.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AureaError('INVALID_ARGUMENTS', `A ${spec.kind} approval's payload is invalid (${issue?.path.join('.') || 'payload'}: ${issue?.message ?? 'invalid'}); nothing was done.`);
    }
    return parsed.data;
  };
  const typed = (row: ApprovalRow): Approval<P> => ({ ...row, payload: parse(row.payload) });
  const quietly = (row: ApprovalRow, fn: (a: Approval<P>) => string | undefined): string | undefined => {
    try {
      return fn(typed(row));
    } catch {
      return undefined;
    }
  };
  return {
    kind: spec.kind,
    payload: spec.payload,
    parse,
    bind: (deps) => ({
      kind: spec.kind,
      resume: (row, decider, how = { always: false }) => spec.resume(typed(row), decider, deps, how),
      approvesAlways: spec.approvesAlways === true,
      answer: (row) => (spec.answer ? quietly(row, spec.answer) : undefined),
      alreadyDecided: (row) => (spec.alreadyDecided ? quietly(row, spec.alreadyDecided) : undefined),
      subject: (row) => (spec.subject ? quietly(row, (a) => spec.subject!(a.payload)) : undefined),
    }),
  };
}

/** The registered kinds, by name: what a decided approval resumes. */
export class ApprovalKinds {
  private readonly kinds = new Map<string, BoundApprovalKind>();

  /**
   * @throws Error when a kind is registered twice (a programming error)
   */
  register(...kinds: BoundApprovalKind[]): this {
    for (const k of kinds) {
      if (this.kinds.has(k.kind)) throw new Error(`approval kind "${k.kind}" is registered twice`);
      this.kinds.set(k.kind, k);
    }
    return this;
  }

  get(kind: string): BoundApprovalKind | undefined {
    return this.kinds.get(kind);
  }

  names(): string[] {
    return [...this.kinds.keys()].sort();
  }
}
