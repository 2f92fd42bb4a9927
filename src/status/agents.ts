import type { AgentStore } from '../agents/store.js';
import { formatDuration } from '../duration.js';
import type { QueueInspector } from './ports.js';

/**
 * The /agents answer: each registered scheduled agent with its schedule, last run's result and
 * the next run time from its BullMQ job scheduler.
 */
export async function agentsReport(agents: AgentStore, queues: QueueInspector, now = new Date()): Promise<string> {
  const rows = await agents.withLastRun();
  if (rows.length === 0) return 'No scheduled agents are registered yet (the worker registers them when it starts).';
  const blocks = await Promise.all(
    rows.map(async (a) => {
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
