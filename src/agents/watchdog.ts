import type { AlertService } from '../alerts/service.js';
import { formatDuration } from '../duration.js';
import type { Logger } from '../log.js';
import type { AgentScheduler } from './port.js';
import { effectiveSchedule, intervalOf, scheduleText } from './schedule.js';
import type { AgentStore } from './store.js';

/** Intervals without a run after which an enabled agent is reported silent (issue 10: "3 of their intervals"). */
export const SILENT_AFTER_INTERVALS = 3;

export interface WatchdogDeps {
  agents: Pick<AgentStore, 'withLastRun'>;
  scheduler: Pick<AgentScheduler, 'agents'>;
  alerts: Pick<AlertService, 'raise' | 'resolve'>;
  log: Logger;
}

/**
 * One look: every enabled, unpaused agent that has produced no run (of any outcome) for 3 of its
 * intervals since it was last expected to run gets one warning alert (deduplicated by
 * `agent-silent:<name>` while it stays silent); an agent that runs again resolves it and the
 * founders are told. Never throws (a failure is logged; the next look tries again).
 * @returns the names of the silent agents
 */
export async function checkAgentsRun(deps: WatchdogDeps, now = new Date()): Promise<string[]> {
  try {
    const silent: string[] = [];
    for (const a of await deps.agents.withLastRun()) {
      const info = deps.scheduler.agents().find((i) => i.name === a.name);
      if (!info || !a.enabled || a.paused) continue;
      const schedule = effectiveSchedule(info, a.schedule_override);
      const since = Math.max(a.started_at?.getTime() ?? 0, a.active_since.getTime());
      const interval = intervalOf(schedule, new Date(since));
      const key = `agent-silent:${a.name}`;
      if (now.getTime() - since > SILENT_AFTER_INTERVALS * interval) {
        silent.push(a.name);
        await deps.alerts.raise({
          severity: 'warning',
          source: 'watchdog',
          message: `${a.name} has not run for ${formatDuration(now.getTime() - since)} (${SILENT_AFTER_INTERVALS} of its intervals, ${scheduleText(schedule)}). Is an AUREA worker running? /agents shows the schedules; /run ${a.name} runs it now.`,
          dedupeKey: key,
          details: { agent: a.name },
        });
      } else {
        const open = await deps.alerts.resolve(key);
        if (open) {
          await deps.alerts.raise({ severity: 'info', source: 'watchdog', message: `✅ ${a.name} is running again (silent for ${formatDuration(now.getTime() - open.created_at.getTime())} after the alert).`, details: { agent: a.name } });
        }
      }
    }
    return silent;
  } catch (err) {
    deps.log.warn({ err }, 'watchdog: could not check the agents');
    return [];
  }
}

/** Runs {@link checkAgentsRun} every `everyMs`. @returns a stop function */
export function startWatchdog(deps: WatchdogDeps, everyMs: number): () => Promise<void> {
  let running = Promise.resolve<unknown>(undefined);
  const timer = setInterval(() => {
    running = running.then(() => checkAgentsRun(deps));
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
