/**
 * Rolling back a service that deploys on merge (`deploy: on-merge`): the platform deploys what is on
 * the base branch, so the rollback is a revert of the merged commit, as a pull request merged the
 * same way as a task's (through the API, with the pushed head), which the platform then deploys.
 * Used by the task's automatic rollback and by the rollback graph.
 */
import type { Core } from '../src/core.js';
import { describeError } from '../src/errors.js';
import { git, gitWithToken, mergeIntoDeployBranch } from './git.js';
import type { StepResult } from './steps.js';

/**
 * Reverts `merged` on the service's base branch on GitHub: the checkout is brought to the base
 * branch, `git revert` makes the revert commit, which is pushed to `aurea/revert-<label>`, opened as
 * a pull request and merged; the checkout then takes the merge. Run it once (journalled by the caller).
 * @returns a step result (never throws): ok with the revert's pull request, or why not
 */
export async function revertOnGithub(deps: Pick<Core, 'config' | 'github'>, service: string, merged: string, label: string): Promise<StepResult & { revert?: { pr: number; sha: string } }> {
  const svc = deps.config.services[service]!;
  const gh = svc.github!;
  const started = Date.now();
  const fail = (why: string) => ({ ok: false, exitCode: null, timedOut: false, durationMs: Date.now() - started, tail: why });
  try {
    const repo = await deps.github.repo(gh.repo);
    const token = await repo.token();
    await gitWithToken(svc.repo, token, 'fetch', '-q', 'origin', gh.base);
    await git(svc.repo, 'reset', '--hard', '-q', 'FETCH_HEAD');
    // A merge commit is reverted against its first parent (the base branch).
    const parents = (await git(svc.repo, 'rev-list', '--parents', '-n', '1', merged)).split(' ').length - 1;
    await git(svc.repo, 'revert', '--no-edit', ...(parents > 1 ? ['-m', '1'] : []), merged);
    const revert = await git(svc.repo, 'rev-parse', 'HEAD');
    const branch = `aurea/revert-${label}`;
    await gitWithToken(svc.repo, token, 'push', '-q', 'origin', `${revert}:refs/heads/${branch}`);
    await git(svc.repo, 'reset', '--hard', '-q', 'HEAD~1');
    const pr = await repo.openDraft({ head: branch, base: gh.base, draft: false, title: `Revert ${merged.slice(0, 7)} (AUREA rollback of ${label})`, body: `AUREA rolls back ${service}: this reverts ${merged}.` });
    const merge = await repo.merge(pr.number, revert, gh.merge, `Revert ${merged.slice(0, 7)} (#${pr.number})`);
    if (!merge.merged) return fail(`GitHub did not merge the revert pull request #${pr.number}: ${merge.why}`);
    await gitWithToken(svc.repo, token, 'fetch', '-q', 'origin', gh.base);
    await mergeIntoDeployBranch(svc.repo, merge.sha, `the revert pull request #${pr.number}`);
    return { ok: true, exitCode: 0, timedOut: false, durationMs: Date.now() - started, tail: `reverted by pull request #${pr.number} (${merge.sha.slice(0, 7)}); the platform deploys it`, revert: { pr: pr.number, sha: merge.sha } };
  } catch (err) {
    return fail(describeError(err));
  }
}
