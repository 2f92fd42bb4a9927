/**
 * Graph runs as jobs. The bot role enqueues a run (a command started it, or a tap decided its
 * approval); a worker role executes it from its Postgres checkpoint. Implemented with BullMQ in
 * jobs/graph-jobs.ts; the graphs' runners live in graphs/<graph>/workflow.ts.
 */
export type GraphName = 'deploy' | 'task';

export type GraphJob =
  /** Run a new thread from its input (or continue it, when an earlier attempt checkpointed). */
  | { action: 'start'; graph: GraphName; threadId: string; input: Record<string, unknown> }
  /** Resume a thread paused on an approval, now decided. */
  | { action: 'resume'; graph: GraphName; threadId: string; approvalId: string };

export interface GraphJobs {
  /**
   * Enqueues a graph run; once per job (a start per thread, a resume per approval), however often
   * it is called.
   */
  enqueue(job: GraphJob): Promise<void>;
}

/** Executes graph jobs of one graph (worker side). */
export interface GraphRunner {
  /**
   * Runs the job to the thread's next pause or its end, from the last checkpoint. Safe to call
   * again for the same job after a crash: finished threads and steps are not repeated.
   * @param recovering true when an earlier attempt of this job died mid-run (a stalled job)
   */
  run(job: GraphJob, recovering: boolean): Promise<void>;
}
