import { systemMonitor } from './system-monitor.js';
import type { AgentDeps, AgentResult } from './types.js';

/** Agent name (as in jobs/definitions.ts) → its run function. */
export const AGENT_RUNNERS: Readonly<Record<string, (deps: AgentDeps, payload: Record<string, unknown>) => Promise<AgentResult>>> = {
  'system-monitor': (core) => systemMonitor(core),
};
