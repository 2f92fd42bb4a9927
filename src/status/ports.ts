/** What the status and agents reports need from the job system (implemented in jobs/). */
export interface QueueInspector {
  /** Job counts per queue. */
  depths(): Promise<Array<{ queue: string; waiting: number; active: number; delayed: number; failed: number }>>;
  /** When the agent's job scheduler fires next, or null when it has none (disabled, not yet registered). */
  nextRun(agent: string): Promise<Date | null>;
  /** The scheduled agents' names. */
  agents(): string[];
  /** Queues one run of an agent now, outside its schedule. @returns the job id */
  runNow(agent: string): Promise<string>;
}
