import { z } from 'zod';
import { DIAGNOSE } from '../../src/alerts/service.js';
import { formatDuration } from '../../src/duration.js';
import { checkHealth } from '../../src/health/check.js';
import { defineAgent, type AgentContext, type AgentResult } from './kit.js';

const SOURCE = 'agent:system-monitor';

/** Consecutive failed checks before a service is declared down, unless configured. */
export const DEFAULT_FAILURES_BEFORE_ALERT = 2;

/**
 * GETs each service's health URL (with its `healthTimeout`) and alerts on changes of state only:
 * down after `agents.system-monitor.failuresBeforeAlert` consecutive failed checks (default 2, so
 * one lost request does not page anyone) → one critical alert (deduplicated by
 * `service-down:<name>` while it stays down); up again after one good check → the open alert is
 * resolved and one recovery message gives the downtime. The failure streak of each service is a
 * Redis counter, shared by all workers. Alerts that no chat accepted earlier are retried first.
 */
async function monitor(core: Pick<AgentContext, 'config' | 'alerts' | 'redis'>): Promise<AgentResult> {
  const needed = core.config.agents['system-monitor']?.failuresBeforeAlert ?? DEFAULT_FAILURES_BEFORE_ALERT;
  const streakKey = (service: string) => `${core.config.redis.prefix}:monitor:failures:${service}`;
  await core.alerts.deliverPending();
  const services = Object.entries(core.config.services).filter(([, s]) => s.health);
  const checks = await Promise.all(services.map(async ([name, s]) => ({ name, ...(await checkHealth(s.health!, s.healthTimeout)) })));
  const changes: string[] = [];
  for (const c of checks) {
    const key = `service-down:${c.name}`;
    if (!c.ok) {
      const streak = await core.redis.incr(streakKey(c.name));
      await core.redis.pexpire(streakKey(c.name), 24 * 3600_000);
      if (streak < needed) {
        changes.push(`${c.name} failed ${streak}/${needed}`);
        continue;
      }
      const raised = await core.alerts.raise({
        severity: 'critical',
        source: SOURCE,
        message: `${c.name} is DOWN: ${c.error}`,
        dedupeKey: key,
        details: { service: c.name, error: c.error, status: c.status },
        actions: [DIAGNOSE],
      });
      if (raised) changes.push(`${c.name} down`);
    } else {
      await core.redis.del(streakKey(c.name));
      const open = await core.alerts.resolve(key);
      if (open) {
        const downtime = formatDuration(Date.now() - open.created_at.getTime());
        await core.alerts.raise({
          severity: 'info',
          source: SOURCE,
          message: `${c.name} is back UP after ${downtime} of downtime.`,
          details: { service: c.name, downAlertId: open.id, downtime },
        });
        changes.push(`${c.name} recovered`);
      }
    }
  }
  const down = checks.filter((c) => !c.ok).map((c) => c.name);
  return {
    summary: checks.length === 0 ? 'no services with a health URL' : `${checks.length - down.length}/${checks.length} up${down.length ? `; down: ${down.join(', ')}` : ''}`,
    output: { checks: checks.map(({ name, ok, status, latencyMs, error }) => ({ name, ok, status, latencyMs: Math.round(latencyMs), error })), changes },
  };
}

export const systemMonitor = defineAgent({
  name: 'system-monitor',
  description: 'Checks every service health URL and alerts when one goes down or comes back',
  schedule: { every: 5 * 60_000 },
  payload: z.strictObject({}),
  run: (ctx) => monitor(ctx),
});
