/**
 * Runs graph jobs for any compiled LangGraph graph that pauses with interrupt() on an approval:
 * with the Postgres checkpointer, so any worker can continue any thread: a paused one when its
 * approval is decided, a crashed one from its last checkpoint. A resume job resumes a thread only
 * with the approval that thread is paused on: same thread, kind and step.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { Actor } from '../src/actor.js';
import type { Approval, ApprovalKind } from '../src/approvals/kind.js';
import type { ApprovalRow, ApprovalService } from '../src/approvals/service.js';
import { AureaError } from '../src/errors.js';
import type { Logger } from '../src/log.js';
import type { GraphJobs, GraphName, GraphRunner } from '../src/runs/port.js';

/** A founder's decision, as a graph's interrupt() returns it. */
export interface Decision {
  approved: boolean;
  /** Display name of who decided, or `config (approval: auto)`. */
  by: string;
  via: string;
  at: string;
  /** Nobody decided: the request expired (approved is false). */
  expired?: boolean;
}

/** The decision an approval row carries, as the graph's interrupt() returns it. */
export function decisionOf(approval: ApprovalRow): Decision {
  return {
    approved: approval.status === 'approved',
    by: approval.decided_by ?? 'unknown',
    via: approval.decided_via ?? 'unknown',
    at: (approval.decided_at ?? new Date()).toISOString(),
    ...(approval.status === 'expired' ? { expired: true } : {}),
  };
}

/** Why a decision let nothing happen: "rejected by Ada" or "its approval expired before anyone decided". */
export function notApprovedReason(decision: Decision): string {
  return decision.expired ? 'its approval expired before anyone decided' : `rejected by ${decision.by}`;
}

/** What a thread paused on: the approval's kind and step (the interrupt's value). */
interface PausedOn {
  approval: { kind: string; step: string };
}

/**
 * Pauses the node until a founder decides the approval of `kind` and `step` that it requested
 * (LangGraph interrupt()); the runner resumes it only with that approval.
 * @returns the decision, once resumed
 */
export function awaitDecision(kind: ApprovalKind<any, any>, step = 'approval'): Decision {
  // Nodes run only inside a graph a runner built, so LangGraph is loaded by then.
  if (!langgraph) throw new Error('awaitDecision is called from a graph node, inside a run');
  return langgraph.interrupt<PausedOn, Decision>({ approval: { kind: kind.kind, step } });
}

/**
 * LangGraph, loaded with the first graph a runner builds rather than at start-up (it and its
 * Postgres checkpointer take about a third of a second to load; a process that runs no graph job
 * never pays it).
 */
let langgraph: typeof import('@langchain/langgraph') | undefined;

/** A Postgres checkpointer (LangGraph's PostgresSaver) on `pool`, loaded on first use; its tables are made by src/db/migrate.ts. */
export async function postgresCheckpointer(pool: pg.Pool) {
  const { PostgresSaver } = await import('@langchain/langgraph-checkpoint-postgres');
  return new PostgresSaver(pool);
}

/** The resume of an approval kind that pauses a graph: a resume job for its thread (what its `resume` does). */
export function resumesGraph(graph: GraphName) {
  return async <P>(approval: Approval<P>, _decider: Actor, deps: { graphJobs: GraphJobs }): Promise<void> => {
    await deps.graphJobs.enqueue({ action: 'resume', graph, threadId: approval.thread_id, approvalId: approval.id });
  };
}

/** What the runner needs of a compiled graph (StateGraph.compile()). */
export interface RunnableGraph {
  getState(config: { configurable: { thread_id: string } }): Promise<{ next: readonly string[]; createdAt?: string; tasks: ReadonlyArray<{ interrupts?: ReadonlyArray<{ value?: unknown }> }> }>;
  invoke(input: unknown, config: { configurable: { thread_id: string }; durability: 'sync' }): Promise<unknown>;
}

/**
 * @param build builds the compiled graph, checkpointed in Postgres; called once, on the first job
 *   (again after a failed build)
 * @param name for log lines (`deploy`, `task`)
 */
export function createGraphRunner(build: () => Promise<RunnableGraph>, deps: { approvals: Pick<ApprovalService, 'get' | 'markResumed'>; log: Logger }, name: string): GraphRunner {
  let built: Promise<RunnableGraph> | undefined;
  const compiled = () =>
    (built ??= (async () => {
      langgraph ??= await import('@langchain/langgraph');
      return build();
    })().catch((err: unknown) => {
      built = undefined;
      throw err;
    }));
  return {
    async run(job, recovering) {
      const graph = await compiled();
      const { Command } = langgraph!;
      const config = { configurable: { thread_id: job.threadId }, durability: 'sync' as const };
      const look = async () => {
        const state = await graph.getState(config);
        const pausedOn = state.tasks.flatMap((t) => t.interrupts ?? []).map((i) => i.value as PausedOn | undefined)[0];
        return { state, paused: pausedOn !== undefined, pausedOn };
      };
      let { state, paused, pausedOn } = await look();
      if (job.action === 'resume') {
        const approval = await deps.approvals.get(job.approvalId);
        const isItsPause = () => Boolean(paused && approval && approval.thread_id === job.threadId && approval.kind === pausedOn?.approval.kind && approval.step === pausedOn?.approval.step);
        // This job resumed its thread before and failed or crashed further on: go on from the
        // checkpoint (a later pause, the interrupted deploy's question, waits for its own approval).
        if (approval?.resumed_at && !isItsPause()) {
          if (paused || state.next.length === 0) return;
          deps.log.warn({ thread: job.threadId, next: state.next }, `${name} run continues after its resume, from its last checkpoint`);
          await graph.invoke(null, config);
          return;
        }
        // A tap can be faster than the run it resumes: the request is on screen before interrupt()
        // has checkpointed the pause. Wait for the pause briefly; after that the job is retried.
        for (let i = 0; !recovering && !paused && state.next.length > 0 && i < 30; i++) {
          await sleep(100);
          ({ state, paused, pausedOn } = await look());
        }
        if (!recovering && !paused && state.next.length > 0) {
          throw new AureaError('GRAPH_BUSY', `thread ${job.threadId} is not paused yet (at ${state.next.join(', ')}); retrying`);
        }
        if (state.next.length === 0) return; // finished already
        if (paused) {
          if (!isItsPause()) {
            const waiting = pausedOn?.approval;
            throw new AureaError(
              'APPROVAL_MISMATCH',
              `a resume of ${job.threadId} named approval ${job.approvalId}, which is not the ${waiting ? `${waiting.kind} approval (step ${waiting.step})` : 'approval'} this run waits for; it was not resumed`,
            );
          }
          if (approval!.status === 'pending') throw new AureaError('APPROVAL_MISMATCH', `approval ${job.approvalId} is not decided yet; ${job.threadId} was not resumed`);
          deps.log.info({ thread: job.threadId, approval: approval!.id, status: approval!.status }, `${name} resumed`);
          await deps.approvals.markResumed(approval!.id);
          await graph.invoke(new Command({ resume: decisionOf(approval!) }), config);
          return;
        }
      }
      const begun = state.createdAt !== undefined;
      if (job.action === 'continue' && !begun) throw new AureaError('INVALID_ARGUMENTS', `there is no run ${job.threadId} to continue`);
      if (job.action === 'start' && !begun) {
        await graph.invoke(job.input, config);
        return;
      }
      if (state.next.length === 0) return; // finished already
      if (paused) return; // waiting for a founder; the resume job continues it
      // A `continue` after waiting for a lease is routine; anything else here follows an interruption.
      deps.log[job.action === 'continue' ? 'info' : 'warn']({ thread: job.threadId, next: state.next }, `${name} run continues from its last checkpoint`);
      await graph.invoke(null, config);
    },
  };
}
