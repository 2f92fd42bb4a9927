/** What the status report needs from the job system (implemented in jobs/queues.ts). */
export interface QueueInspector {
  /** Job counts per queue. */
  depths(): Promise<Array<{ queue: string; waiting: number; active: number; delayed: number; failed: number }>>;
}
