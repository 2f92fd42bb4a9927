import { audit } from '../../../src/audit/log.js';
import type { DeployDeps } from '../deps.js';
import type { DeployStateType, DeployUpdate } from '../state.js';
import { runStep } from '../step.js';

/** Runs the service's `deploy` command in its repo. */
export function deployerNode(deps: DeployDeps) {
  return async (state: DeployStateType): Promise<DeployUpdate> => {
    const svc = deps.config.services[state.service]!;
    await audit(deps.db.pool, state.requestedBy, 'deploy.started', `service:${state.service}`, { approvedBy: state.decision?.by });
    return { deployRun: await runStep(deps, svc, svc.deploy) };
  };
}
