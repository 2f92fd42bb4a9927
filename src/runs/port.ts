/**
 * Graph runs as jobs. The bot role enqueues a run (a command started it, or a tap decided its
 * approval); a worker role executes it from its Postgres checkpoint. Implemented with BullMQ in
 * jobs/graph-jobs.ts; the graphs' runners live in graphs/<graph>/workflow.ts.
 */
export type GraphName = 'deploy' | 'task' | 'rollback';

/** The graphs there are. */
export const GRAPH_NAMES: readonly GraphName[] = ['deploy', 'task', 'rollback'];

export type GraphJob =
  /** Run a new thread from its input (or continue it, when an earlier attempt checkpointed). */
  | { action: 'start'; graph: GraphName; threadId: string; input: Record<string, unknown> }
  /** Resume a thread paused on an approval, now decided (the approval's id, a UUID). */
  | { action: 'resume'; graph: GraphName; threadId: string; approvalId: string }
  /** Go on with a thread from its last checkpoint (a run that waited for its service's lease). */
  | { action: 'continue'; graph: GraphName; threadId: string };

export interface GraphJobs {
  /**
   * Enqueues a graph run; once per job (a start per thread, a resume per approval), however often
   * it is called.
   * @param delayMs run it no sooner than this (a `continue` after waiting for a lease)
   */
  enqueue(job: GraphJob, delayMs?: number): Promise<void>;
}

/** Executes graph jobs of one graph (worker side). */
export interface GraphRunner {
  /**
   * Runs the job to the thread's next pause or its end, from the last checkpoint. Safe to call
   * again for the same job after a crash: finished threads and steps are not repeated.
   * @param recovering true when an earlier attempt of this job died mid-run (a stalled job)
   * @throws ServiceBusyError (graphs/steps.ts) when the run must wait for its service: the caller
   *   continues it later with a `continue` job
   */
  run(job: GraphJob, recovering: boolean): Promise<void>;
}
