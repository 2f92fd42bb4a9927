import { waitHealthy } from '../../steps.js';
import type { TaskDeps } from '../deps.js';
import { showProgress } from '../progress.js';
import type { TaskStateType, TaskUpdate } from '../state.js';

/** Waits for the service's health URL to answer 2xx after the deploy (deploy.verifyTimeout). */
export function verifyNode(deps: TaskDeps) {
  return async (state: TaskStateType): Promise<TaskUpdate> => {
    const { ok, detail } = await waitHealthy(deps, deps.config.services[state.service]!);
    const update = { healthCheck: { ok, detail } };
    await showProgress(deps, { ...state, ...update });
    return update;
  };
}
