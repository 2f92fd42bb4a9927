import type { AgentInfo, AgentScheduler } from '../agents/port.js';
import { AureaError } from '../errors.js';

/**
 * The agent a command names (`/run system-monitor`, `/pause`, `/resume`, `/schedule`).
 * @throws AureaError UNKNOWN_AGENT naming the agents there are
 */
export function namedAgent(scheduler: Pick<AgentScheduler, 'agents'>, name: string): AgentInfo {
  const agents = scheduler.agents();
  const agent = agents.find((a) => a.name === name);
  if (agent) return agent;
  throw new AureaError('UNKNOWN_AGENT', `There is no agent "${name}". Agents: ${agents.map((a) => a.name).join(', ')}.`);
}
