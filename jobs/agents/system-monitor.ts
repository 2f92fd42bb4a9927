import type { Core } from '../../src/core.js';
import { formatDuration } from '../../src/duration.js';
import { checkHealth } from '../../src/health/check.js';
import type { AgentResult } from './types.js';

const SOURCE = 'agent:system-monitor';

/**
 * GETs each service's health URL (with its `healthTimeout`) and alerts on changes of state only:
 * down → one critical alert (deduplicated by `service-down:<name>` while it stays down);
 * up again → the open alert is resolved and one recovery message gives the downtime.
 * Alerts that no chat accepted earlier are retried first.
 */
export async function systemMonitor(core: Pick<Core, 'config' | 'alerts'>): Promise<AgentResult> {
  await core.alerts.deliverPending();
  const services = Object.entries(core.config.services).filter(([, s]) => s.health);
  const checks = await Promise.all(services.map(async ([name, s]) => ({ name, ...(await checkHealth(s.health!, s.healthTimeout)) })));
  const changes: string[] = [];
  for (const c of checks) {
    const key = `service-down:${c.name}`;
    if (!c.ok) {
      const raised = await core.alerts.raise({
        severity: 'critical',
        source: SOURCE,
        message: `${c.name} is DOWN: ${c.error}`,
        dedupeKey: key,
        details: { service: c.name, error: c.error, status: c.status },
      });
      if (raised) changes.push(`${c.name} down`);
    } else {
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
