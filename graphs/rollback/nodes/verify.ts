import { waitHealthy } from '../../steps.js';
import type { RollbackDeps } from '../deps.js';
import type { RollbackStateType, RollbackUpdate } from '../state.js';

/** Waits for the service's health URL to answer 2xx after the rollback (deploy.verifyTimeout). */
export function verifyNode(deps: RollbackDeps) {
  return async (state: RollbackStateType): Promise<RollbackUpdate> => {
    const { ok, detail } = await waitHealthy(deps, deps.config.services[state.service]!);
    return { healthCheck: { ok, detail } };
  };
}
