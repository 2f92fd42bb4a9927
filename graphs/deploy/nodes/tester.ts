import type { DeployDeps } from '../deps.js';
import type { DeployStateType, DeployUpdate } from '../state.js';
import { describeError } from '../../../src/errors.js';
import { gitWithToken, mergeIntoDeployBranch } from '../../git.js';
import { runStep } from '../../steps.js';

/**
 * Runs the service's `test` command in its repo; the exit code decides. A service on GitHub first
 * brings its checkout up to the base branch on GitHub (fetch, fast-forward or merge), so what a
 * person merged there is what is tested and deployed; a failed fetch is a failed test run, saying why.
 */
export function testerNode(deps: DeployDeps) {
  return async (state: DeployStateType): Promise<DeployUpdate> => {
    const svc = deps.config.services[state.service]!;
    if (svc.github) {
      try {
        const repo = await deps.github.repo(svc.github.repo);
        await gitWithToken(svc.repo, await repo.token(), 'fetch', '-q', 'origin', svc.github.base);
        await mergeIntoDeployBranch(svc.repo, 'FETCH_HEAD', `${svc.github.repo} ${svc.github.base}`);
      } catch (err) {
        const why = `could not bring ${svc.github.base} from GitHub: ${describeError(err)}`;
        return { testRun: { ok: false, exitCode: null, timedOut: false, durationMs: 0, tail: why } };
      }
    }
    return { testRun: await runStep(deps, svc, svc.test) };
  };
}
