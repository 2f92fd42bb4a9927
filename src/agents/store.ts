import type pg from 'pg';
import type { Actor } from '../actor.js';
import { audit } from '../audit/log.js';
import { inTransaction } from '../db/transaction.js';
import type { MissedPolicy, Schedule } from './schedule.js';
import { scheduleText } from './schedule.js';

/** What started a run: its schedule, a founder's /run, or a catch-up after downtime. */
export type RunTrigger = 'schedule' | 'manual' | 'catch-up';

/** An agent as the registry holds it. */
export interface AgentRecord {
  name: string;
  description: string;
  /** The effective schedule's text (`every 5m`, `cron 0 8 * * * Europe/Paris`). */
  schedule: string;
  /** aurea.config.yaml's `agents.<name>.enabled`. */
  enabled: boolean;
  /** /pause (until /resume). */
  paused: boolean;
  /** Set by /schedule; null = the default (config, else the agent's own). */
  schedule_override: Schedule | null;
  missed: MissedPolicy;
  /** Since when it has been expected to run (registered, resumed, rescheduled or re-enabled). */
  active_since: Date;
}

/** An agent with its last run, as /agents shows it. */
export interface AgentWithLastRun extends AgentRecord {
  status: 'running' | 'succeeded' | 'failed' | 'skipped' | null;
  started_at: Date | null;
  completed_at: Date | null;
  error_message: string | null;
  summary: string | null;
  trigger: RunTrigger | null;
}

/**
 * The scheduled agents' tables: `ai_agent_registry` (each agent with its effective schedule and
 * state) and `ai_agent_executions` (one row per run). The one module that reads and writes them:
 * the schedule sync registers agents, the worker records runs, the commands pause, resume and
 * reschedule, /agents and the watchdog read.
 */
/** A scheduled agent as the actor of its runs' audit rows. */
const agentActor = (name: string): Actor => ({ platform: 'system', id: `agent:${name}`, name });

export class AgentStore {
  constructor(private readonly db: pg.Pool) {}

  /**
   * Registers an agent or updates what the code and config say of it (description, enabled, missed
   * policy). Pause and schedule override stay as the founders left them.
   * @param schedule the default schedule; the stored text is the effective one
   * @returns the record as stored
   */
  async register(agent: { name: string; description: string; schedule: Schedule; enabled: boolean; missed: MissedPolicy }): Promise<AgentRecord> {
    const { rows } = await this.db.query<AgentRecord>(
      `INSERT INTO ai_agent_registry (name, description, schedule, enabled, missed, updated_at) VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (name) DO UPDATE SET description = EXCLUDED.description, enabled = EXCLUDED.enabled, missed = EXCLUDED.missed,
         active_since = CASE WHEN NOT ai_agent_registry.enabled AND EXCLUDED.enabled THEN now() ELSE ai_agent_registry.active_since END,
         schedule = CASE WHEN ai_agent_registry.schedule_override IS NULL THEN EXCLUDED.schedule ELSE ai_agent_registry.schedule END,
         updated_at = now()
       RETURNING *`,
      [agent.name, agent.description, scheduleText(agent.schedule), agent.enabled, agent.missed],
    );
    return rows[0]!;
  }

  async get(name: string): Promise<AgentRecord | null> {
    const { rows } = await this.db.query<AgentRecord>('SELECT * FROM ai_agent_registry WHERE name = $1', [name]);
    return rows[0] ?? null;
  }

  /** /pause and /resume. @returns the record, or null for an unknown agent */
  async setPaused(name: string, paused: boolean): Promise<AgentRecord | null> {
    const { rows } = await this.db.query<AgentRecord>(`UPDATE ai_agent_registry SET paused = $2, updated_at = now(),
         active_since = CASE WHEN paused AND NOT $2 THEN now() ELSE active_since END WHERE name = $1 RETURNING *`, [name, paused]);
    return rows[0] ?? null;
  }

  /**
   * /schedule: the founders' schedule, kept across restarts until changed again.
   * @param schedule the new schedule, or null to go back to `fallback` (the default)
   */
  async setSchedule(name: string, schedule: Schedule | null, fallback: Schedule): Promise<AgentRecord | null> {
    const { rows } = await this.db.query<AgentRecord>(
      'UPDATE ai_agent_registry SET schedule_override = $2, schedule = $3, updated_at = now(), active_since = now() WHERE name = $1 RETURNING *',
      [name, schedule ? JSON.stringify(schedule) : null, scheduleText(schedule ?? fallback)],
    );
    return rows[0] ?? null;
  }

  /**
   * Records a run as started. A job retried after its worker died (stalled-job recovery, same job
   * id) continues its own row (attempts + 1) instead of leaving one stuck at `running`.
   * @returns the execution id
   */
  async started(agentName: string, jobId: string | null, trigger: RunTrigger = 'schedule'): Promise<string> {
    if (jobId) {
      const again = await this.db.query<{ id: string }>(
        `UPDATE ai_agent_executions SET attempts = attempts + 1 WHERE agent_name = $1 AND job_id = $2 AND status = 'running' RETURNING id`,
        [agentName, jobId],
      );
      if (again.rows[0]) return again.rows[0].id;
    }
    const { rows } = await this.db.query<{ id: string }>(
      `INSERT INTO ai_agent_executions (agent_name, job_id, status, trigger) VALUES ($1, $2, 'running', $3) RETURNING id`,
      [agentName, jobId, trigger],
    );
    return rows[0]!.id;
  }

  /**
   * Records a run's success with its output (JSON, `summary` shown by /agents), audited
   * `agent.run.succeeded` in the same transaction (an event: src/events/).
   */
  async succeeded(executionId: string, output: Record<string, unknown>): Promise<void> {
    await this.finish(
      executionId,
      'succeeded',
      `UPDATE ai_agent_executions SET status = 'succeeded', completed_at = now(), output = $2,
         duration_ms = (extract(epoch FROM now() - started_at) * 1000)::int WHERE id = $1 RETURNING agent_name, duration_ms, trigger`,
      JSON.stringify(output),
      { summary: typeof output.summary === 'string' ? output.summary.slice(0, 500) : null },
    );
  }

  /** Records a run's failure with its message (cut to 2,000 characters), audited `agent.run.failed`. */
  async failed(executionId: string, message: string): Promise<void> {
    await this.finish(
      executionId,
      'failed',
      `UPDATE ai_agent_executions SET status = 'failed', completed_at = now(), error_message = $2,
         duration_ms = (extract(epoch FROM now() - started_at) * 1000)::int WHERE id = $1 RETURNING agent_name, duration_ms, trigger`,
      message.slice(0, 2_000),
      { error: message.slice(0, 500) },
    );
  }

  private async finish(executionId: string, outcome: 'succeeded' | 'failed', sql: string, value: string, details: Record<string, unknown>): Promise<void> {
    await inTransaction(this.db, async (client) => {
      const row = (await client.query<{ agent_name: string; duration_ms: number; trigger: string }>(sql, [executionId, value])).rows[0];
      if (row) await audit(client, agentActor(row.agent_name), `agent.run.${outcome}`, `agent:${row.agent_name}`, { execution: executionId, trigger: row.trigger, durationMs: row.duration_ms, ...details });
    });
  }

  /** Records a scheduled run that did not run (a missed run under the `skip` or `notify` policy), audited `agent.run.skipped`. */
  async skipped(agentName: string, jobId: string | null, reason: string): Promise<void> {
    await inTransaction(this.db, async (client) => {
      await client.query(
        `INSERT INTO ai_agent_executions (agent_name, job_id, status, trigger, completed_at, output, duration_ms)
         VALUES ($1, $2, 'skipped', 'catch-up', now(), $3, 0)`,
        [agentName, jobId, JSON.stringify({ summary: reason })],
      );
      await audit(client, agentActor(agentName), 'agent.run.skipped', `agent:${agentName}`, { reason });
    });
  }

  /** When the agent's latest run (of any outcome) started, or null if it never ran. */
  async lastStarted(agentName: string): Promise<Date | null> {
    const { rows } = await this.db.query<{ started_at: Date }>('SELECT started_at FROM ai_agent_executions WHERE agent_name = $1 ORDER BY started_at DESC LIMIT 1', [agentName]);
    return rows[0]?.started_at ?? null;
  }

  /** Every registered agent with its latest run, by name. */
  async withLastRun(): Promise<AgentWithLastRun[]> {
    const res = await this.db.query<AgentWithLastRun>(
      `SELECT r.*, e.status, e.started_at, e.completed_at, e.error_message, e.trigger,
              e.output->>'summary' AS summary
       FROM ai_agent_registry r
       LEFT JOIN LATERAL (SELECT * FROM ai_agent_executions x WHERE x.agent_name = r.name ORDER BY x.started_at DESC, x.id DESC LIMIT 1) e ON true
       ORDER BY r.name`,
    );
    return res.rows;
  }

  /** Finished runs per agent since `since`, by outcome (agents with none are left out). */
  async runStats(since: Date): Promise<Array<{ agent: string; succeeded: number; failed: number; skipped: number }>> {
    const { rows } = await this.db.query<{ agent: string; succeeded: number; failed: number; skipped: number }>(
      `SELECT agent_name AS agent, count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
              count(*) FILTER (WHERE status = 'failed')::int AS failed, count(*) FILTER (WHERE status = 'skipped')::int AS skipped
       FROM ai_agent_executions WHERE started_at >= $1 AND status <> 'running' GROUP BY agent_name ORDER BY agent_name`,
      [since],
    );
    return rows;
  }
}
