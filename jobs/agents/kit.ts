/**
 * The agent kit: what a scheduled agent declares (name, description, default schedule, payload
 * schema, handler) and the typed context its handler receives. One file per agent in jobs/agents/;
 * YAML agents (agents/*.yaml beside aurea.config.yaml) become the same Agent (jobs/agents/declarative.ts).
 */
import { EventOutbox } from '../../src/events/outbox.js';
import type { z } from 'zod';
import type { Schedule } from '../../src/agents/schedule.js';
import { checkSchedule } from '../../src/agents/schedule.js';
import { audit, countAudited } from '../../src/audit/log.js';
import type { Core } from '../../src/core.js';
import { unattendedMcpTools, type UnattendedMcpTools } from '../../src/mcp/unattended.js';
import type { LlmRequest } from '../../src/llm/types.js';
import type { RoutedResponse } from '../../src/llm/model-router.js';
import { pruneProcessedUpdates } from '../../src/updates/once.js';

/** What the kit needs of the core to build agent contexts. */
export type AgentDeps = Pick<Core, 'config' | 'log' | 'alerts' | 'redis' | 'memory' | 'llm' | 'db' | 'commands' | 'agents' | 'taskStore' | 'approvals' | 'ledger' | 'stripe' | 'broadcaster' | 'mcp'>;

/** The model, with every call counted under purpose `agent:<name>` (llm_calls, the budget). */
export interface AgentLlm {
  readonly configured: boolean;
  complete(request: Omit<LlmRequest, 'purpose'>): Promise<RoutedResponse>;
}

/** What an agent's handler is given. */
export interface AgentContext {
  /** The agent's name. */
  name: string;
  config: AgentDeps['config'];
  /** aurea.config.yaml's services, by name. */
  services: AgentDeps['config']['services'];
  alerts: AgentDeps['alerts'];
  memory: AgentDeps['memory'];
  llm: AgentLlm;
  /** Appends to audit_log as the actor `system:agent:<name>`. */
  audit(action: string, target: string, details?: Record<string, unknown>): Promise<void>;
  /** How many times `action` is in audit_log between `since` and `until` (src/audit/log.ts countAudited). */
  auditCount(action: string, since: Date, until?: Date): Promise<number>;
  /** A child logger bound to `{ agent: name }`. */
  log: AgentDeps['log'];
  /** Shared state between runs and workers (keys under `config.redis.prefix`). */
  redis: AgentDeps['redis'];
  /** What reports read (the daily digest): runs, tasks, waiting approvals, model spend, Stripe (null without a key). */
  reports: {
    agents: Pick<AgentDeps['agents'], 'runStats'>;
    tasks: Pick<AgentDeps['taskStore'], 'countsSince'>;
    approvals: Pick<AgentDeps['approvals'], 'pendingCount'>;
    ledger: Pick<AgentDeps['ledger'], 'spend' | 'dailySpend'>;
    stripe: AgentDeps['stripe'];
    /** Outgoing event deliveries given up on (src/events/outbox.ts). */
    events: Pick<EventOutbox, 'parkedSince'>;
  };
  /** Messages and charts to every founder chat (reports; alerts go through `alerts`). */
  broadcaster: Pick<AgentDeps['broadcaster'], 'broadcast' | 'broadcastPhoto'>;
  /** The read-only commands (status, recall, budget, …), run as AUREA and answered as text. */
  tools: { names(): string[]; run(name: string, args: string[]): Promise<string> };
  /**
   * The founder's MCP tools, by `<server>.<tool>`. A scheduled run never waits for a tap: `call`
   * runs a tool whose policy allows it (audited as the agent) and refuses one that would ask or is
   * denied, saying so.
   */
  mcpTools: Pick<UnattendedMcpTools, 'find' | 'call'>;
  /** Keeping tables from growing forever (the maintenance agent). */
  housekeeping: {
    /** Forgets inbound event ids older than 14 days (src/updates/once.ts). @returns how many */
    pruneProcessedUpdates(): Promise<number>;
    /** Forgets delivered events older than 30 days (src/events/outbox.ts). @returns how many */
    pruneEvents(): Promise<number>;
  };
}

/** What a run returns: stored in ai_agent_executions.output. */
export interface AgentResult {
  /** One line for /agents ("3/3 up"). */
  summary: string;
  output: Record<string, unknown>;
}

export interface Agent<P extends Record<string, unknown> = Record<string, unknown>> {
  /** Lowercase words joined by `-` (`security-monitor`); the job scheduler's key and the job name. */
  name: string;
  description: string;
  /** Default schedule, unless aurea.config.yaml or /schedule says otherwise. */
  schedule: Schedule;
  /** The job payload; scheduled runs send `{}`. */
  payload: z.ZodType<P>;
  run(ctx: AgentContext, payload: P): Promise<AgentResult>;
}

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Declares an agent, checking its name and default schedule.
 * @throws Error naming the problem (a programming error in the agent's file)
 */
export function defineAgent<P extends Record<string, unknown>>(agent: Agent<P>): Agent {
  if (!NAME.test(agent.name) || agent.name.length > 40) throw new Error(`agent name "${agent.name}": use lowercase words joined by -, at most 40 characters`);
  checkSchedule(agent.schedule);
  return agent as unknown as Agent;
}

/** The context one agent's run receives. */
export function agentContext(deps: AgentDeps, name: string): AgentContext {
  const purpose = `agent:${name}`;
  const actor = { platform: 'system', id: purpose, name };
  return {
    name,
    config: deps.config,
    services: deps.config.services,
    alerts: deps.alerts,
    memory: deps.memory,
    llm: {
      get configured() {
        return deps.llm.configured;
      },
      complete: (request) => deps.llm.complete({ ...request, purpose }),
    },
    audit: (action, target, details) => audit(deps.db.pool, actor, action, target, details),
    auditCount: (action, since, until) => countAudited(deps.db.pool, action, since, until),
    log: deps.log.child({ agent: name }),
    redis: deps.redis,
    reports: { agents: deps.agents, tasks: deps.taskStore, approvals: deps.approvals, ledger: deps.ledger, stripe: deps.stripe, events: new EventOutbox(deps.db.pool) },
    broadcaster: deps.broadcaster,
    tools: { names: () => deps.commands.readOnlyNames(), run: (tool, args) => deps.commands.runReadOnly(tool, args, actor) },
    mcpTools: unattendedMcpTools(deps, actor),
    housekeeping: { pruneProcessedUpdates: () => pruneProcessedUpdates(deps.db.pool), pruneEvents: () => new EventOutbox(deps.db.pool).prune() },
  };
}

