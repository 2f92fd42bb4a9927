import type { DeployDeps } from '../deps.js';
import type { DeployStateType, DeployUpdate } from '../state.js';
import { runStep } from '../../steps.js';

/** Runs the service's `test` command in its repo; the exit code decides. */
export function testerNode(deps: DeployDeps) {
  return async (state: DeployStateType): Promise<DeployUpdate> => {
    const svc = deps.config.services[state.service]!;
    return { testRun: await runStep(deps, svc, svc.test) };
  };
}
