import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceConfig } from '../../../src/config.js';
import { checkHealth } from '../../../src/health/check.js';
import type { DeployDeps } from '../deps.js';
import type { DeployStateType, DeployUpdate } from '../state.js';

/**
 * Polls the service's `health` URL every `deploy.verifyInterval` until it answers 2xx, for at most
 * `deploy.verifyTimeout`. No health URL = nothing to verify.
 */
export function verifyNode(deps: DeployDeps) {
  return async (state: DeployStateType): Promise<DeployUpdate> => ({ healthCheck: await waitHealthy(deps, deps.config.services[state.service]!) });
}

/**
 * Polls a service's `health` URL every `deploy.verifyInterval` until it answers 2xx, for at most
 * `deploy.verifyTimeout` (the deploy graph's and the task graph's verify).
 * @returns ok, what was seen, and how long it waited (ms); ok without a health URL
 */
export async function waitHealthy(deps: Pick<DeployDeps, 'config'>, svc: ServiceConfig): Promise<{ ok: boolean; detail: string; waitedMs: number }> {
  if (!svc.health) return { ok: true, detail: 'no health URL configured', waitedMs: 0 };
  const { verifyTimeoutMs, verifyIntervalMs } = deps.config.deploy;
  const started = Date.now();
  for (;;) {
    const r = await checkHealth(svc.health, Math.min(svc.healthTimeout, verifyTimeoutMs));
    const waitedMs = Date.now() - started;
    if (r.ok) return { ok: true, detail: `healthy (HTTP ${r.status})`, waitedMs };
    if (waitedMs + verifyIntervalMs > verifyTimeoutMs) return { ok: false, detail: r.error ?? 'unhealthy', waitedMs };
    await sleep(verifyIntervalMs);
  }
}
