import type pg from 'pg';

/** An agent with its last run, as /agents shows it. */
export interface AgentWithLastRun {
  name: string;
  description: string;
  schedule: string;
  enabled: boolean;
  status: 'running' | 'succeeded' | 'failed' | null;
  started_at: Date | null;
  completed_at: Date | null;
  error_message: string | null;
  summary: string | null;
}

/**
 * The scheduled agents' tables: `ai_agent_registry` (each agent with its effective schedule) and
 * `ai_agent_executions` (one row per run). The one module that reads and writes them: the worker
 * records runs, the schedule sync registers agents, /agents reads both.
 */
export class AgentStore {
  constructor(private readonly db: pg.Pool) {}

  /** Registers an agent or updates its description, schedule text (`every 5m`) and state. */
  async register(agent: { name: string; description: string; schedule: string; enabled: boolean }): Promise<void> {
    await this.db.query(
      `INSERT INTO ai_agent_registry (name, description, schedule, enabled, updated_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (name) DO UPDATE SET description = EXCLUDED.description, schedule = EXCLUDED.schedule,
         enabled = EXCLUDED.enabled, updated_at = now()`,
      [agent.name, agent.description, agent.schedule, agent.enabled],
    );
  }

  /** Records a run as started. @returns the execution id */
  async started(agentName: string, jobId: string | null): Promise<string> {
    const { rows } = await this.db.query<{ id: string }>(
      `INSERT INTO ai_agent_executions (agent_name, job_id, status) VALUES ($1, $2, 'running') RETURNING id`,
      [agentName, jobId],
    );
    return rows[0]!.id;
  }

  /** Records a run's success with its output (JSON, `summary` shown by /agents). */
  async succeeded(executionId: string, output: Record<string, unknown>): Promise<void> {
    await this.db.query(`UPDATE ai_agent_executions SET status = 'succeeded', completed_at = now(), output = $2 WHERE id = $1`, [executionId, JSON.stringify(output)]);
  }

  /** Records a run's failure with its message (cut to 2,000 characters). */
  async failed(executionId: string, message: string): Promise<void> {
    await this.db.query(`UPDATE ai_agent_executions SET status = 'failed', completed_at = now(), error_message = $2 WHERE id = $1`, [executionId, message.slice(0, 2_000)]);
  }

  /** Every registered agent with its latest run, by name. */
  async withLastRun(): Promise<AgentWithLastRun[]> {
    const res = await this.db.query<AgentWithLastRun>(
      `SELECT r.name, r.description, r.schedule, r.enabled, e.status, e.started_at, e.completed_at, e.error_message,
              e.output->>'summary' AS summary
       FROM ai_agent_registry r
       LEFT JOIN LATERAL (SELECT * FROM ai_agent_executions x WHERE x.agent_name = r.name ORDER BY x.started_at DESC LIMIT 1) e ON true
       ORDER BY r.name`,
    );
    return res.rows;
  }
}
