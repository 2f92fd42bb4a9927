import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { audit } from '../../../src/audit/log.js';
import type { DeployDeps } from '../deps.js';
import type { DeployStateType, DeployUpdate } from '../state.js';
import { holdService, runStep } from '../../steps.js';

/**
 * Takes the service's lease (waiting, off the worker, while a task or a rollback changes it; held
 * until the report), then runs the service's `deploy` command in its repo, once per run: the start
 * and end are journalled (graph_steps), so a run resumed after a crash gets the recorded result, or,
 * when the process died while the command ran, `interruptedAt` instead of a second deploy.
 */
export function deployerNode(deps: DeployDeps) {
  return async (state: DeployStateType, config: LangGraphRunnableConfig): Promise<DeployUpdate> => {
    const svc = deps.config.services[state.service]!;
    const threadId = String(config.configurable?.thread_id);
    await holdService(deps, { service: state.service, threadId, what: `the deploy ${state.requestedBy.name} asked for`, waiting: `The deploy of ${state.service}` });
    const step = await deps.journal.run(threadId, 'deploy', async () => {
      await audit(deps.db.pool, state.requestedBy, 'deploy.started', `service:${state.service}`, { approvedBy: state.decision?.by });
      return runStep(deps, svc, svc.deploy);
    });
    if (step.kind === 'interrupted') {
      return { deployRun: { ok: false, exitCode: null, timedOut: false, durationMs: 0, tail: '', interruptedAt: step.startedAt.toISOString() } };
    }
    return { deployRun: step.result };
  };
}
