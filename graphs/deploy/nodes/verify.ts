import { setTimeout as sleep } from 'node:timers/promises';
import { checkHealth } from '../../../src/health/check.js';
import type { DeployDeps } from '../deps.js';
import type { DeployStateType, DeployUpdate } from '../state.js';

/**
 * Polls the service's `health` URL every `deploy.verifyInterval` until it answers 2xx, for at most
 * `deploy.verifyTimeout`. No health URL = nothing to verify.
 */
export function verifyNode(deps: DeployDeps) {
  return async (state: DeployStateType): Promise<DeployUpdate> => {
    const svc = deps.config.services[state.service]!;
    if (!svc.health) return { healthCheck: { ok: true, detail: 'no health URL configured', waitedMs: 0 } };
    const { verifyTimeoutMs, verifyIntervalMs } = deps.config.deploy;
    const started = Date.now();
    let last = 'not checked';
    for (;;) {
      const r = await checkHealth(svc.health, Math.min(svc.healthTimeout, verifyTimeoutMs));
      const waitedMs = Date.now() - started;
      if (r.ok) return { healthCheck: { ok: true, detail: `healthy (HTTP ${r.status})`, waitedMs } };
      last = r.error ?? 'unhealthy';
      if (waitedMs + verifyIntervalMs > verifyTimeoutMs) return { healthCheck: { ok: false, detail: last, waitedMs } };
      await sleep(verifyIntervalMs);
    }
  };
}
