import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { ON_MERGE } from '../../../src/config.js';
import { formatDuration } from '../../../src/duration.js';
import { namesCommit, readVersion } from '../../../src/health/version.js';
import { RunWaitsError, waitHealthy } from '../../steps.js';
import type { TaskDeps } from '../deps.js';
import { showProgress } from '../progress.js';
import type { TaskStateType, TaskUpdate } from '../state.js';

/**
 * Waits for the service's health URL to answer 2xx after the deploy (deploy.verifyTimeout). A
 * service the platform deploys on merge (`deploy: on-merge` with `healthVersion`) is first waited
 * for, off the worker, until its health endpoint reports the merged commit; when
 * `deploy.onMergeTimeout` passes first, the task stops saying so and a rollback (a revert pull
 * request) is offered for a founder to approve, not done: the platform may simply not have deployed.
 */
export function verifyNode(deps: TaskDeps) {
  return async (state: TaskStateType, config: LangGraphRunnableConfig): Promise<TaskUpdate> => {
    const svc = deps.config.services[state.service]!;
    if (svc.deploy === ON_MERGE && svc.healthVersion && svc.health && state.deploy) {
      const merged = state.deploy.merged;
      const threadId = String(config.configurable?.thread_id);
      // When the wait began, kept in the journal across the run's continuations.
      const began = await deps.journal.run(threadId, `on-merge-wait:${merged}`, async () => new Date().toISOString());
      const since = began.kind === 'done' ? Date.parse(began.result) : began.startedAt.getTime();
      const running = await readVersion(svc.health, svc.healthVersion, svc.healthTimeout);
      if (!namesCommit(running, merged)) {
        const timeout = deps.config.deploy.onMergeTimeoutMs;
        if (Date.now() - since < timeout) throw new RunWaitsError(`${state.service} does not run ${merged.slice(0, 7)} yet`, deps.config.deploy.verifyIntervalMs);
        const detail = `${state.service} did not report ${merged.slice(0, 7)} within ${formatDuration(timeout)} of the merge (it reports ${running ?? 'nothing'} at ${svc.healthVersion}): the platform may not have deployed it`;
        if (await deps.journal.mark(threadId, `offer-rollback:${merged}`)) {
          await deps.rollbacks.start({ service: state.service, task: { id: state.taskId, request: state.request, commit: state.deploy.previous, deployed: merged }, requestedBy: state.requestedBy, why: detail });
        }
        const update: TaskUpdate = { healthCheck: { ok: false, detail }, stopReason: `${detail}; a rollback is offered` };
        await showProgress(deps, { ...state, ...update });
        return update;
      }
    }
    const { ok, detail } = await waitHealthy(deps, svc);
    const update = { healthCheck: { ok, detail } };
    await showProgress(deps, { ...state, ...update });
    return update;
  };
}
