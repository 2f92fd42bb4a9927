import type { Core } from '../../src/core.js';

/** What a scheduled agent's handler is given. */
export type AgentDeps = Pick<Core, 'config' | 'log' | 'alerts' | 'redis'>;

/** What a scheduled agent's run returns: stored in ai_agent_executions.output. */
export interface AgentResult {
  /** One line for /agents ("3/3 up"). */
  summary: string;
  output: Record<string, unknown>;
}
