import type { AgentScheduler } from '../agents/port.js';
import type { AgentStore } from '../agents/store.js';
import { formatDuration } from '../duration.js';

const ICON = { succeeded: '✅', failed: '❌', skipped: '⏭' } as const;

/**
 * The /agents answer: each registered agent with its effective schedule and state (paused,
 * disabled), its last run's result (a catch-up run says so) and the next run time from its BullMQ
 * job scheduler.
 */
export async function agentsReport(agents: Pick<AgentStore, 'withLastRun'>, scheduler: Pick<AgentScheduler, 'nextRun'>, now = new Date()): Promise<string> {
  const rows = await agents.withLastRun();
  if (rows.length === 0) return 'No scheduled agents are registered yet (the worker registers them when it starts).';
  const blocks = await Promise.all(
    rows.map(async (a) => {
      const next = a.enabled && !a.paused ? await scheduler.nextRun(a.name).catch(() => null) : null;
      const ago = a.started_at ? formatDuration(now.getTime() - a.started_at.getTime()) : '';
      const last = !a.started_at || !a.status
        ? 'never ran yet'
        : a.status === 'running'
          ? `running since ${ago} ago`
          : `${ICON[a.status]} ${ago} ago${a.trigger === 'catch-up' && a.status !== 'skipped' ? ' (catch-up)' : a.trigger === 'manual' ? ' (/run)' : ''}: ${a.status === 'failed' ? (a.error_message ?? 'failed') : (a.summary ?? 'ok')}`;
      const nextText = !a.enabled ? 'disabled in aurea.config.yaml' : a.paused ? `paused (/resume ${a.name})` : next ? `in ${formatDuration(Math.max(0, next.getTime() - now.getTime()))}` : 'not scheduled';
      return `${a.name} (${a.schedule}${a.schedule_override ? ', set by /schedule' : ''})\n  last: ${last}\n  next: ${nextText}`;
    }),
  );
  return ['Scheduled agents', '', ...blocks].join('\n');
}
