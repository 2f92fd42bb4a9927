/**
 * Tasks as GitHub pull requests, as the founder waits for them: 20 tasks one after another against
 * the fake GitHub API and git http-backend (test/helpers/github-harness.ts), each with checks that
 * run for 2 s after the push. Measured: from the checks completing (the fake starts answering them
 * as completed) to the approval message in Telegram, with `github.checksInterval` 1 s (the default is
 * 15 s: the wait is then up to that interval more); and from the founder's ✅ Approve tap to GitHub's
 * merge call (ready for review, then merge with the approved head: Octokit's throttling spaces writes).
 */
import { FOUNDER, callbackUpdate, textUpdate } from '../test/fixtures/telegram-updates.js';
import { githubHarness, green } from '../test/helpers/github-harness.js';
import type { Harness } from '../test/helpers/harness.js';
import { percentile, round, type BenchResult } from './stats.js';

/** The founder's first message matching `pattern`, once it is there (helpers/chat.ts's, without vitest). */
async function shown(h: Harness, pattern: RegExp, options: { timeoutMs: number }) {
  const find = () => h.telegram.messagesTo(FOUNDER.id).find((m) => pattern.test(m.text));
  await h.telegram.waitFor(() => Boolean(find()), options.timeoutMs, String(pattern));
  return find()!;
}

export async function githubBench(tasks = Number(process.env.GITHUB_BENCH_TASKS ?? 20)): Promise<BenchResult> {
  const { h, github, anthropic, close } = await githubHarness({ checksInterval: '1s' });
  // Each task writes its own file (the same NOTES twice would be "nothing changed").
  const script = anthropic.respond!;
  anthropic.respond = (body) => {
    const step = script(body);
    const take = /take (\d+)/.exec(JSON.stringify(body.messages[0]))?.[1];
    return step?.kind === 'tool' && step.name === 'write_file' ? { ...step, input: { ...step.input, path: `NOTES-${take}` } } : step;
  };
  const completes = new Map<string, number>();
  github.checks = (sha) => {
    if (!completes.has(sha)) completes.set(sha, performance.now() + 2_000);
    return performance.now() >= completes.get(sha)! ? green : [{ name: 'build', status: 'in_progress' }];
  };
  const toApproval: number[] = [];
  const toMerge: number[] = [];
  try {
    for (let i = 1; i <= tasks; i++) {
      h.telegram.pushUpdate(textUpdate(FOUNDER, `/task billing add a NOTES file, take ${i}`));
      const approval = await shown(h, new RegExp(`^Task #${i}: deploy to billing\\?`), { timeoutMs: 120_000 });
      const shownAt = h.telegram.callsOf('sendMessage', FOUNDER.id).find((c) => c.text?.startsWith(`Task #${i}: deploy to billing?`))!.at;
      const head = /\(head ([0-9a-f]{7})\)/.exec(approval.text)![1]!;
      const completedAt = [...completes.entries()].find(([sha]) => sha.startsWith(head))![1];
      toApproval.push(shownAt - completedAt);
      const tapped = performance.now();
      h.telegram.pushUpdate(callbackUpdate(FOUNDER, approval.buttons.find((b) => /Approve/.test(b.text))!.callback_data, approval));
      await shown(h, new RegExp(`^✅ Task #${i} on billing deployed and verified`), { timeoutMs: 60_000 });
      const merge = github.callsTo('PUT', '/repos/{owner}/{repo}/pulls/{pull_number}/merge').at(-1)!;
      toMerge.push(merge.at - tapped);
    }
    const fmt = (xs: number[]) => `${round(percentile(xs, 50) / 1000)} / ${round(Math.max(...xs) / 1000)}`;
    return {
      name: `Tasks as GitHub pull requests (${tasks} tasks, fake GitHub API + git http-backend, github.checksInterval 1s, embedded Postgres)`,
      rows: [
        { metric: 'checks completed → approval message, p50 / max', value: fmt(toApproval), unit: 's' },
        { metric: '✅ Approve → merge call on GitHub, p50 / max', value: fmt(toMerge), unit: 's' },
        { metric: 'responses not matching GitHub\'s OpenAPI description', value: String(github.invalid.length), unit: '' },
        ...(github.invalid.length ? [{ metric: 'first mismatch', value: github.invalid[0]!, unit: '' }] : []),
      ],
    };
  } finally {
    await close();
  }
}
