import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { audit } from '../../../src/audit/log.js';
import { describeError } from '../../../src/errors.js';
import { git, gitWithToken, mergeIntoDeployBranch } from '../../git.js';
import { holdService, runStep } from '../../steps.js';
import type { TaskDeps } from '../deps.js';
import { cancelled } from '../cancel.js';
import { showProgress } from '../progress.js';
import type { TaskStateType, TaskUpdate } from '../state.js';

/**
 * Takes the service's lease (waiting, off the worker, while a deploy, another task or a rollback
 * changes it), then merges the commit the founder approved — never the branch: a branch that moved
 * after the approval is reported and its new head tested and asked again — into the service's
 * deploy branch (recording the previous good commit) and runs its `deploy` command, once per run
 * (journalled like the deploy graph's deployer). A merge conflict stops the task and says so.
 */
export function deployerNode(deps: TaskDeps) {
  return async (state: TaskStateType, config: LangGraphRunnableConfig): Promise<TaskUpdate> => {
    const stop = await cancelled(deps, state);
    if (stop) return stop;
    const svc = deps.config.services[state.service]!;
    const threadId = String(config.configurable?.thread_id);
    const approved = state.approved!;
    await holdService(deps, { service: state.service, threadId, what: `task #${state.taskId}`, waiting: `Task #${state.taskId}'s deploy` });
    const step = await deps.journal.run(threadId, `deploy:${approved.commit}`, async () => {
      try {
        if (svc.github && state.pr) return await mergePullRequest(deps, state);
        const head = await git(svc.repo, 'rev-parse', `refs/heads/${state.worktree!.branch}`);
        if (head !== approved.commit) return { moved: head };
        const { previous, merged } = await mergeIntoDeployBranch(svc.repo, approved.commit, `task #${state.taskId}`);
        await audit(deps.db.pool, state.requestedBy, 'task.deploy.started', `service:${state.service}`, { task: state.taskId, previous, merged, approved: approved.commit, approvedBy: state.decision?.by });
        return { previous, merged, run: await runStep(deps, svc, svc.deploy) };
      } catch (err) {
        return { error: describeError(err) };
      }
    });
    if (step.kind === 'interrupted') return { stopReason: `AUREA stopped while the deploy ran (at ${step.startedAt.toISOString()}); check ${state.service} and use /rollback if needed` };
    if ('error' in step.result) return { stopReason: step.result.error };
    if ('moved' in step.result) {
      const now = step.result.moved!;
      await audit(deps.db.pool, state.requestedBy, 'task.branch_moved', `task:${state.taskId}`, { approved: approved.commit, now });
      await deps.broadcaster.broadcast({
        text: `⚠️ Task #${state.taskId}: its branch ${state.worktree!.branch}${state.pr ? ` (pull request #${state.pr.number})` : ''} changed after you approved (you approved ${approved.commit.slice(0, 7)}; it is now at ${now.slice(0, 7)}). Nothing was deployed. I am testing ${now.slice(0, 7)} and will ask you again.`,
      });
      return { rounds: [...state.rounds, { summary: `its branch changed after the approval, to ${now.slice(0, 7)}`, commit: now }] };
    }
    const update = { deploy: step.result };
    await showProgress(deps, { ...state, ...update }, step.result.run.ok ? 'verify' : undefined);
    return update;
  };
}

/**
 * A service on GitHub: marks the task's draft pull request ready and merges it through the API with
 * the approved head (`sha`: GitHub refuses with 409 when the head moved, and then the new head is
 * fetched to be tested and asked again), brings the merge into the local checkout's deploy branch
 * (fetch, fast-forward), and runs the service's `deploy` command.
 * @returns like the local merge: `{ moved }`, `{ error }`, or the previous and merged commits and the deploy's run
 */
async function mergePullRequest(deps: TaskDeps, state: TaskStateType) {
  const svc = deps.config.services[state.service]!;
  const gh = svc.github!;
  const pr = state.pr!;
  const approved = state.approved!;
  const repo = await deps.github.repo(gh.repo);
  const token = await repo.token();
  const now = await repo.pull(pr.number);
  if (now.state !== 'open') return { error: `pull request #${pr.number} is ${now.merged ? 'already merged' : 'closed'} on GitHub; nothing was deployed` };
  if (now.head !== approved.commit) return await moved(now.head);
  if (now.draft) await repo.markReady(pr);
  const merge = await repo.merge(pr.number, approved.commit, gh.merge, `${state.plan!.summary} (#${pr.number})`);
  if (!merge.merged) return merge.moved ? await moved((await repo.pull(pr.number)).head) : { error: `GitHub did not merge pull request #${pr.number}: ${merge.why}` };
  await gitWithToken(svc.repo, token, 'fetch', '-q', 'origin', gh.base);
  const { previous, merged } = await mergeIntoDeployBranch(svc.repo, merge.sha, `pull request #${pr.number}`);
  await audit(deps.db.pool, state.requestedBy, 'task.pr.merged', `task:${state.taskId}`, { service: state.service, pr: pr.number, head: approved.commit, merge: merge.sha, approvedBy: state.decision?.by });
  await audit(deps.db.pool, state.requestedBy, 'task.deploy.started', `service:${state.service}`, { task: state.taskId, previous, merged, approved: approved.commit, approvedBy: state.decision?.by });
  return { previous, merged, run: await runStep(deps, svc, svc.deploy) };

  /** The head moved after the approval: fetched, so the tester can check it out. */
  async function moved(head: string) {
    await gitWithToken(svc.repo, token, 'fetch', '-q', 'origin', `refs/heads/${state.worktree!.branch}`);
    return { moved: head };
  }
}
