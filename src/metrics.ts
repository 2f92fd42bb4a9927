import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics served on GET /metrics. One registry per AUREA instance. */
export interface Metrics {
  registry: Registry;
  updatesHandled: Counter<'platform' | 'outcome'>;
  commands: Counter<'command' | 'outcome'>;
  alertsSent: Counter<'severity'>;
  alertDeliveries: Counter<'outcome'>;
  deploys: Counter<'service' | 'outcome'>;
  jobRuns: Counter<'agent' | 'outcome'>;
  jobDuration: Histogram<'agent'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'aurea_' });
  const registers = [registry];
  return {
    registry,
    updatesHandled: new Counter({
      name: 'aurea_updates_handled_total',
      help: 'Inbound chat updates handled, by platform and outcome (handled, duplicate, refused)',
      labelNames: ['platform', 'outcome'],
      registers,
    }),
    commands: new Counter({ name: 'aurea_commands_total', help: 'Commands run, by command and outcome', labelNames: ['command', 'outcome'], registers }),
    alertsSent: new Counter({ name: 'aurea_alerts_sent_total', help: 'Alerts delivered to founders, by severity', labelNames: ['severity'], registers }),
    alertDeliveries: new Counter({
      name: 'aurea_alert_deliveries_total',
      help: 'Alerts by delivery outcome (delivered, grouped: in a burst message, after_quiet_hours: in the summary; quiet, snoozed: held back; retry_later: a chat refused it; no_audience: no founder chat)',
      labelNames: ['outcome'],
      registers,
    }),
    deploys: new Counter({
      name: 'aurea_deploys_total',
      help: 'Deploy runs by outcome (deployed, rolled_back, rejected, tests_failed, failed)',
      labelNames: ['service', 'outcome'],
      registers,
    }),
    jobRuns: new Counter({ name: 'aurea_job_runs_total', help: 'Scheduled agent runs, by agent and outcome (succeeded, failed, skipped)', labelNames: ['agent', 'outcome'], registers }),
    jobDuration: new Histogram({
      name: 'aurea_job_run_duration_seconds',
      help: 'Scheduled agent run wall time, by agent',
      labelNames: ['agent'],
      buckets: [0.005, 0.025, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers,
    }),
  };
}
