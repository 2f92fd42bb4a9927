/**
 * github.poll: for an AUREA without a public URL, GitHub's signals read through the API instead of
 * webhook deliveries, every `github.poll` (a BullMQ job scheduler, jobs/github-poll.ts). Each item
 * becomes the same event the webhook would have delivered and takes the same road
 * (src/github/signals.ts), once: its id is claimed like a delivery (`poll:<kind>:<id>` in
 * processed_updates), so a poll that overlaps the last one, or runs beside webhooks, acts once.
 * Where each repository's last poll ended is kept in Redis; the first poll looks back one interval.
 */
import type { Redis } from 'ioredis';
import { handleOnce } from '../updates/once.js';
import { handleGithubEvent, TASK_LABEL, type SignalDeps } from './signals.js';

export type PollDeps = SignalDeps & { redis: Redis };

/**
 * Polls every service repository once.
 * @returns how many items were handled (not counting ones handled before)
 * @throws nothing for one repository's failure (logged; the next poll tries again from the same point)
 */
export async function pollGithub(deps: PollDeps): Promise<number> {
  const pollMs = deps.config.github.pollMs ?? 60_000;
  let handled = 0;
  // One poll per repository (two services may share one).
  const repos = new Map(Object.values(deps.config.services).flatMap((s) => (s.github ? [[s.github.repo, s.github] as const] : [])));
  for (const gh of repos.values()) {
    const key = `${deps.config.redis.prefix}:github:poll:${gh.repo}`;
    const started = new Date();
    const stored = await deps.redis.get(key);
    // A minute of overlap: GitHub's `since` filters are by update time and its clock is not ours.
    const since = new Date((stored ? Number(stored) : started.getTime() - pollMs) - 60_000);
    try {
      const repo = await deps.github.repo(gh.repo);
      const seen = await repo.since(since, gh.base, TASK_LABEL);
      const repository = { full_name: gh.repo };
      // The payload is built inside the claim: an item an earlier poll (or a webhook) handled costs no further API call.
      type Payload = Parameters<typeof handleGithubEvent>[2];
      const once = async (id: string, event: string, payload: () => Payload | Promise<Payload>) => {
        if ((await handleOnce(deps.db.pool, 'github', `poll:${id}`, async () => handleGithubEvent(deps, event, await payload()))) === 'handled') handled++;
      };
      for (const run of seen.runs) await once(`run:${run.id}`, 'workflow_run', () => ({ action: 'completed', repository, workflow_run: run }));
      for (const c of seen.comments) {
        await once(`comment:${c.id}`, 'issue_comment', () => ({ action: 'created', repository, comment: c, issue: { number: c.issue, title: '', html_url: c.html_url, ...(c.onPull ? { pull_request: {} } : {}) } }));
      }
      for (const c of seen.reviewComments) {
        // The task's branch is read by the steering itself (src/github/signals.ts), from the pull request.
        await once(`review-comment:${c.id}`, 'pull_request_review_comment', () => ({ action: 'created', repository, comment: c, pull_request: { number: c.pull } }));
      }
      for (const i of seen.labelled) {
        await once(`labelled:${i.id}`, 'issues', () => ({ action: 'labeled', repository, label: { name: TASK_LABEL }, issue: i, sender: { login: i.by } }));
      }
      for (const p of seen.merged) {
        await once(`merged:${p.id}`, 'pull_request', async () => {
          const mergedBy = (await repo.pull(p.number)).mergedBy;
          return { action: 'closed', repository, pull_request: { ...p, merged: true, merged_by: mergedBy ? { login: mergedBy } : null } };
        });
      }
      await deps.redis.set(key, String(started.getTime()));
    } catch (err) {
      deps.log.warn({ err, repo: gh.repo }, 'github poll failed; the next poll tries again');
    }
  }
  return handled;
}
