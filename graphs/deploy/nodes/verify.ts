import type { DeployDeps } from '../deps.js';
import type { DeployStateType, DeployUpdate } from '../state.js';
import { waitHealthy } from '../../steps.js';

/**
 * Polls the service's `health` URL every `deploy.verifyInterval` until it answers 2xx, for at most
 * `deploy.verifyTimeout`. No health URL = nothing to verify.
 */
export function verifyNode(deps: DeployDeps) {
  return async (state: DeployStateType): Promise<DeployUpdate> => ({ healthCheck: await waitHealthy(deps, deps.config.services[state.service]!) });
}
