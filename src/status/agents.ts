import type pg from 'pg';
import { formatDuration } from '../duration.js';
import type { QueueInspector } from './ports.js';

interface AgentLine {
  name: string;
  description: string;
  schedule: string;
  enabled: boolean;
  status: string | null;
  started_at: Date | null;
  completed_at: Date | null;
  error_message: string | null;
  summary: string | null;
}

/**
 * The /agents answer: each registered scheduled agent with its schedule, last run's result and
 * the next run time from its BullMQ job scheduler.
 */
export async function agentsReport(db: pg.Pool, queues: QueueInspector, now = new Date()): Promise<string> {
  const res = await db.query<AgentLine>(
    `SELECT r.name, r.description, r.schedule, r.enabled, e.status, e.started_at, e.completed_at, e.error_message,
            e.output->>'summary' AS summary
     FROM ai_agent_registry r
     LEFT JOIN LATERAL (SELECT * FROM ai_agent_executions x WHERE x.agent_name = r.name ORDER BY x.started_at DESC LIMIT 1) e ON true
     ORDER BY r.name`,
  );
  if (res.rows.length === 0) return 'No scheduled agents are registered yet (the worker registers them when it starts).';
  const blocks = await Promise.all(
    res.rows.map(async (a) => {
      const next = a.enabled ? await queues.nextRun(a.name).catch(() => null) : null;
      const last = !a.started_at
        ? 'never ran yet'
        : a.status === 'running'
          ? `running since ${formatDuration(now.getTime() - a.started_at.getTime())} ago`
          : `${a.status === 'succeeded' ? '✅' : '❌'} ${formatDuration(now.getTime() - a.started_at.getTime())} ago: ${a.status === 'failed' ? (a.error_message ?? 'failed') : (a.summary ?? 'ok')}`;
      const nextText = !a.enabled ? 'disabled' : next ? `in ${formatDuration(Math.max(0, next.getTime() - now.getTime()))}` : 'not scheduled';
      return `${a.name} (${a.schedule})\n  last: ${last}\n  next: ${nextText}`;
    }),
  );
  return ['Scheduled agents', '', ...blocks].join('\n');
}
