/**
 * One GitHub repository as AUREA uses it, through Octokit (`@octokit/rest`) with the retry and
 * throttling plugins (GitHub's primary and secondary rate limits honoured: docs "Best practices for
 * using the REST API"; writes spaced as it asks). Authenticated by GITHUB_TOKEN, or as a GitHub App
 * installation found by the repository (`@octokit/auth-app`). GITHUB_API_URL points it at GitHub
 * Enterprise Server or at a fake in tests.
 */
import type { Octokit } from '@octokit/rest';
import { AureaError } from '../errors.js';
import type { Logger } from '../log.js';
import type { GithubConfig } from './config.js';

/** One check of a commit: a check run (Actions, apps) or a commit status (older CI). */
export interface Check {
  name: string;
  /** null while it runs */
  ok: boolean | null;
  /** The failing check's title and summary, or a status's description. */
  summary: string;
  url: string | null;
}

/** A commit's checks together: none configured, still running, all passed, or some failed. */
export interface Checks {
  state: 'none' | 'pending' | 'success' | 'failure';
  checks: Check[];
}

export interface PullRequest {
  number: number;
  url: string;
  /** GraphQL node id (marking a draft ready is GraphQL-only). */
  nodeId: string;
  head: string;
}

/** What a merge came to: merged (the merge commit), or refused because the head moved, or refused for another reason. */
export type MergeOutcome = { merged: true; sha: string } | { merged: false; moved: boolean; why: string };

/** Permission levels of a collaborator, most to least (REST: "Get repository permissions for a user"). */
const WRITERS = new Set(['admin', 'maintain', 'write']);

/** The conclusions of a completed check run that do not fail it (REST: check runs, `conclusion`). */
const PASSING = new Set(['success', 'neutral', 'skipped']);

export class GithubRepo {
  readonly owner: string;
  readonly name: string;

  constructor(
    readonly fullName: string,
    private readonly kit: Octokit,
    private readonly tokenOf: () => Promise<string>,
  ) {
    [this.owner, this.name] = fullName.split('/') as [string, string];
  }

  /** A token for git over HTTPS (the credential helper in graphs/git.ts). */
  token(): Promise<string> {
    return this.tokenOf();
  }

  private get where() {
    return { owner: this.owner, repo: this.name };
  }

  /**
   * What the credentials may do here: `permissions` of GET /repos/{owner}/{repo} (a fine-grained token
   * shows the repository role it acts with), plus whether the check runs of the default branch can be
   * read (GET …/commits/{ref}/check-runs answers 403 without "Checks: read").
   * @returns the missing permissions, in GitHub's words; [] when nothing is missing
   * @throws AureaError GITHUB_FAILED when the repository cannot be read at all (404: no access)
   */
  async missingPermissions(): Promise<string[]> {
    const { data } = await this.call('read the repository', () => this.kit.rest.repos.get(this.where));
    const missing: string[] = [];
    if (!data.permissions?.push) missing.push('Contents: read and write (push), Pull requests: read and write');
    try {
      await this.kit.rest.checks.listForRef({ ...this.where, ref: data.default_branch, per_page: 1 });
    } catch (err) {
      if (status(err) === 403) missing.push('Checks: read');
      else throw err;
    }
    return missing;
  }

  /**
   * Opens a pull request (a draft unless `draft: false`) from `head` into `base`, or, when one is
   * already open for `head` (a retried step), updates its title and body.
   */
  async openDraft(input: { head: string; base: string; title: string; body: string; draft?: boolean }): Promise<PullRequest> {
    const existing = await this.openFrom(input.head);
    if (existing) {
      const { data } = await this.call('update the pull request', () => this.kit.rest.pulls.update({ ...this.where, pull_number: existing.number, title: input.title, body: input.body }));
      return { number: data.number, url: data.html_url, nodeId: data.node_id, head: data.head.sha };
    }
    const { data } = await this.call('open the pull request', () => this.kit.rest.pulls.create({ ...this.where, ...input, draft: input.draft ?? true }));
    return { number: data.number, url: data.html_url, nodeId: data.node_id, head: data.head.sha };
  }

  /** The open pull request from `branch` of this repository, if any. */
  async openFrom(branch: string): Promise<{ number: number } | null> {
    const open = await this.call('list pull requests', () => this.kit.rest.pulls.list({ ...this.where, head: `${this.owner}:${branch}`, state: 'open', per_page: 1 }));
    return open.data[0] ?? null;
  }

  /** The pull request as it is now: its head commit and branch, and whether it is open or merged. */
  async pull(number: number): Promise<{ head: string; branch: string; fromRepo: string | null; state: 'open' | 'closed'; merged: boolean; mergedBy: string | null; draft: boolean }> {
    const { data } = await this.call('read the pull request', () => this.kit.rest.pulls.get({ ...this.where, pull_number: number }));
    return { head: data.head.sha, branch: data.head.ref, fromRepo: data.head.repo?.full_name ?? null, state: data.state as 'open' | 'closed', merged: data.merged, mergedBy: data.merged_by?.login ?? null, draft: Boolean(data.draft) };
  }

  /**
   * The last lines of the first failed job of a workflow run (REST: "List jobs for a workflow run",
   * then "Download job logs", which redirects to the plain-text log).
   * @returns the job's name and its log's last `lines` lines, or null when no job failed
   */
  async failedJobLog(runId: number, lines = 20): Promise<{ job: string; lines: string } | null> {
    const { data } = await this.call('list the run\'s jobs', () => this.kit.rest.actions.listJobsForWorkflowRun({ ...this.where, run_id: runId, filter: 'latest', per_page: 100 }));
    const failed = data.jobs.find((j) => j.conclusion === 'failure' || j.conclusion === 'timed_out');
    if (!failed) return null;
    const log = await this.call('download the job\'s log', () => this.kit.rest.actions.downloadJobLogsForWorkflowRun({ ...this.where, job_id: failed.id }));
    const text = typeof log.data === 'string' ? log.data : Buffer.from(log.data as ArrayBuffer).toString('utf8');
    return { job: failed.name, lines: text.trimEnd().split('\n').slice(-lines).join('\n') };
  }

  /**
   * The checks of commit `sha`: its check runs and its commit statuses (REST: "List check runs for a
   * Git reference", "Get the combined status for a specific reference"; the latest status per context).
   */
  async checks(sha: string): Promise<Checks> {
    const [runs, combined] = await Promise.all([
      this.call('read the check runs', () => this.kit.rest.checks.listForRef({ ...this.where, ref: sha, per_page: 100 })),
      this.call('read the commit statuses', () => this.kit.rest.repos.getCombinedStatusForRef({ ...this.where, ref: sha, per_page: 100 })),
    ]);
    const checks: Check[] = [
      ...runs.data.check_runs.map((r) => ({
        name: r.name,
        ok: r.status === 'completed' ? PASSING.has(r.conclusion ?? '') : null,
        summary: [r.output?.title, r.output?.summary].filter(Boolean).join(': ') || (r.conclusion ?? r.status),
        url: r.html_url ?? null,
      })),
      ...combined.data.statuses.map((s) => ({ name: s.context, ok: s.state === 'pending' ? null : s.state === 'success', summary: s.description ?? s.state, url: s.target_url ?? null })),
    ];
    const state = checks.length === 0 ? 'none' : checks.some((c) => c.ok === false) ? 'failure' : checks.some((c) => c.ok === null) ? 'pending' : 'success';
    return { state, checks };
  }

  /** Marks a draft pull request ready for review (GraphQL `markPullRequestReadyForReview`: REST has no way). */
  async markReady(pr: Pick<PullRequest, 'nodeId'>): Promise<void> {
    await this.call('mark the pull request ready', () =>
      this.kit.graphql('mutation($id: ID!) { markPullRequestReadyForReview(input: { pullRequestId: $id }) { pullRequest { isDraft } } }', { id: pr.nodeId }),
    );
  }

  /**
   * Merges pull request `number` only if its head is still `sha` (REST "Merge a pull request": `sha`
   * "must match the pull request's head"; 409 when it does not, 405 when it cannot be merged).
   */
  async merge(number: number, sha: string, method: 'squash' | 'merge' | 'rebase', title: string): Promise<MergeOutcome> {
    try {
      const { data } = await this.kit.rest.pulls.merge({ ...this.where, pull_number: number, sha, merge_method: method, commit_title: title });
      return { merged: true, sha: data.sha };
    } catch (err) {
      const code = status(err);
      if (code === 409) return { merged: false, moved: true, why: messageOf(err) };
      if (code === 405 || code === 422) return { merged: false, moved: false, why: messageOf(err) };
      throw wrap('merge the pull request', err);
    }
  }

  /** Closes pull request `number`, after a comment saying why. */
  async close(number: number, comment: string): Promise<void> {
    await this.comment(number, comment);
    await this.call('close the pull request', () => this.kit.rest.pulls.update({ ...this.where, pull_number: number, state: 'closed' }));
  }

  /** Comments on an issue or pull request. */
  async comment(number: number, body: string): Promise<void> {
    await this.call('comment', () => this.kit.rest.issues.createComment({ ...this.where, issue_number: number, body }));
  }

  /**
   * What happened on the repository since `since`, for polling (github.poll) in the shape the webhook
   * handlers read: completed workflow runs on `base`, issue and pull request comments, open issues
   * labelled `label`, and pull requests merged into `base` (REST list endpoints; at most 100 each).
   */
  async since(since: Date, base: string, label: string) {
    const iso = since.toISOString();
    const [runs, comments, reviewComments, issues, pulls] = await Promise.all([
      this.call('list workflow runs', () => this.kit.rest.actions.listWorkflowRunsForRepo({ ...this.where, branch: base, status: 'completed', created: `>=${iso}`, per_page: 100 })),
      this.call('list comments', () => this.kit.rest.issues.listCommentsForRepo({ ...this.where, since: iso, sort: 'created', direction: 'asc', per_page: 100 })),
      this.call('list review comments', () => this.kit.rest.pulls.listReviewCommentsForRepo({ ...this.where, since: iso, sort: 'created', direction: 'asc', per_page: 100 })),
      this.call('list labelled issues', () => this.kit.rest.issues.listForRepo({ ...this.where, labels: label, state: 'open', since: iso, per_page: 100 })),
      this.call('list closed pull requests', () => this.kit.rest.pulls.list({ ...this.where, state: 'closed', base, sort: 'updated', direction: 'desc', per_page: 100 })),
    ]);
    const number = (url: string) => Number(/\/(\d+)$/.exec(url)?.[1]);
    return {
      runs: runs.data.workflow_runs.map((r) => ({ id: r.id, name: r.name ?? null, head_branch: r.head_branch, head_sha: r.head_sha, conclusion: r.conclusion, html_url: r.html_url, event: r.event })),
      comments: comments.data.map((c) => ({ id: c.id, body: c.body ?? '', html_url: c.html_url, user: { login: c.user?.login ?? '' }, issue: number(c.issue_url), onPull: /\/pull\/\d+/.test(c.html_url) })),
      reviewComments: reviewComments.data.map((c) => ({ id: c.id, body: c.body, html_url: c.html_url, user: { login: c.user?.login ?? '' }, pull: number(c.pull_request_url) })),
      labelled: issues.data.filter((i) => !i.pull_request).map((i) => ({ id: i.id, number: i.number, title: i.title, body: i.body ?? null, html_url: i.html_url, by: i.user?.login ?? '' })),
      merged: pulls.data.filter((p) => p.merged_at && Date.parse(p.merged_at) >= since.getTime()).map((p) => ({ id: p.id, number: p.number, title: p.title, html_url: p.html_url, merge_commit_sha: p.merge_commit_sha, head: { ref: p.head.ref }, base: { ref: p.base.ref } })),
    };
  }

  /** Whether `login` may write to the repository (REST "Get repository permissions for a user"). */
  async canWrite(login: string): Promise<boolean> {
    try {
      const { data } = await this.kit.rest.repos.getCollaboratorPermissionLevel({ ...this.where, username: login });
      return WRITERS.has(data.role_name ?? data.permission);
    } catch (err) {
      if (status(err) === 404) return false;
      throw wrap('read a collaborator\'s permission', err);
    }
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw wrap(what, err);
    }
  }
}

const status = (err: unknown): number | undefined => (typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : undefined);
const messageOf = (err: unknown): string => (err as { response?: { data?: { message?: string } } })?.response?.data?.message ?? (err as Error).message;

/** A failed GitHub call as an error the founder can act on: what AUREA tried, GitHub's status and message. */
function wrap(what: string, err: unknown): AureaError {
  const code = status(err);
  const hint = code === 401 ? ' (the token is invalid or expired)' : code === 403 ? ' (the token lacks a permission, or a rate limit was hit)' : code === 404 ? ' (no such repository, or the token cannot see it)' : '';
  return new AureaError('GITHUB_FAILED', `GitHub: could not ${what}: ${code ? `HTTP ${code}, ` : ''}${messageOf(err)}${hint}`);
}

/**
 * The repositories of the configured services, each with its Octokit (one per repository: a GitHub
 * App's installation can differ by repository). Octokit and the plugins load on first use.
 */
export class GithubRepos {
  private readonly cache = new Map<string, Promise<GithubRepo>>();

  constructor(
    private readonly config: GithubConfig,
    private readonly log: Logger,
  ) {}

  /**
   * @param fullName `owner/name`
   * @throws AureaError GITHUB_FAILED without credentials, or when a GitHub App is not installed on it
   */
  repo(fullName: string): Promise<GithubRepo> {
    let found = this.cache.get(fullName);
    if (!found) {
      found = this.open(fullName);
      found.catch(() => this.cache.delete(fullName));
      this.cache.set(fullName, found);
    }
    return found;
  }

  private async open(fullName: string): Promise<GithubRepo> {
    const auth = this.config.auth;
    if (!auth) throw new AureaError('GITHUB_FAILED', `GitHub: no credentials for ${fullName}: set GITHUB_TOKEN, or GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY.`);
    const [{ Octokit }, { retry }, { throttling }] = await Promise.all([import('@octokit/rest'), import('@octokit/plugin-retry'), import('@octokit/plugin-throttling')]);
    const Kit = Octokit.plugin(retry, throttling);
    const log = this.log;
    const options = {
      baseUrl: this.config.apiUrl,
      userAgent: 'aurea',
      throttle: {
        // Primary limit: wait for the reset and try again, twice; secondary: as GitHub's retry-after says.
        onRateLimit: (retryAfter: number, opts: { method: string; url: string }, _kit: unknown, retryCount: number) => {
          log.warn({ retryAfter, request: `${opts.method} ${opts.url}` }, 'github: rate limit hit');
          return retryCount < 2;
        },
        onSecondaryRateLimit: (retryAfter: number, opts: { method: string; url: string }, _kit: unknown, retryCount: number) => {
          log.warn({ retryAfter, request: `${opts.method} ${opts.url}` }, 'github: secondary rate limit hit');
          return retryCount < 2;
        },
      },
    };
    if (auth.kind === 'token') return new GithubRepo(fullName, new Kit({ ...options, auth: auth.token }) as unknown as Octokit, async () => auth.token);
    const { createAppAuth } = await import('@octokit/auth-app');
    const [owner, repo] = fullName.split('/') as [string, string];
    const app = new Kit({ ...options, authStrategy: createAppAuth, auth: { appId: auth.appId, privateKey: auth.privateKey } });
    let installationId: number;
    try {
      installationId = (await app.rest.apps.getRepoInstallation({ owner, repo })).data.id;
    } catch (err) {
      throw wrap(`find the GitHub App's installation on ${fullName} (is the App installed there?)`, err);
    }
    const kit = new Kit({ ...options, authStrategy: createAppAuth, auth: { appId: auth.appId, privateKey: auth.privateKey, installationId } });
    const token = async () => ((await kit.auth({ type: 'installation' })) as { token: string }).token;
    return new GithubRepo(fullName, kit as unknown as Octokit, token);
  }
}
