import type { MissedPolicy, Schedule } from './schedule.js';

/** A scheduled agent as the process knows it (its code or its YAML file, and aurea.config.yaml). */
export interface AgentInfo {
  name: string;
  description: string;
  /** The default schedule: `agents.<name>.every|cron` in aurea.config.yaml, else the agent's own. */
  schedule: Schedule;
  /** `agents.<name>.enabled` (default true). */
  enabled: boolean;
  /** `agents.<name>.missed` (default `once`). */
  missed: MissedPolicy;
}

/**
 * The scheduled agents' side of the job system, as commands and reports see it (implemented over
 * BullMQ job schedulers in jobs/schedules.ts).
 */
export interface AgentScheduler {
  /** Every agent this process knows, by name. */
  agents(): readonly AgentInfo[];
  /**
   * Makes Redis match the registry for one agent: its job scheduler upserted with the effective
   * schedule when enabled and not paused, removed otherwise.
   */
  apply(name: string): Promise<void>;
  /** Queues one run now, outside the schedule. @returns the job id */
  runNow(name: string): Promise<string>;
  /** When the agent's job scheduler fires next, or null when it has none. */
  nextRun(name: string): Promise<Date | null>;
}
