/**
 * A running AUREA with one service on "GitHub": a fake GitHub REST API (test/fakes/github-api.ts),
 * the service's repository served by git http-backend (its checkout's `origin`), a scripted model
 * (plan; each developer round writes NOTES), and webhook deliveries signed as GitHub signs them.
 * Used by test/github.test.ts and bench/github.ts.
 */
import { execFileSync } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeAnthropicApi } from '../fakes/anthropic-api.js';
import { FakeGitHubApi, type FakeCheck } from '../fakes/github-api.js';
import { GitHttpRepo } from './git-http.js';
import { Harness, type HarnessOptions } from './harness.js';

export const REPO = 'acme/billing';
export const WEBHOOK_SECRET = 'github-webhook-secret-0123456789';
const EXAMPLES: Array<{ name: string; examples: any[] }> = JSON.parse(readFileSync(join(import.meta.dirname, '../../node_modules/@octokit/webhooks-examples/api.github.com/index.json'), 'utf8'));

/** A payload from @octokit/webhooks-examples (GitHub's documented examples), its repository made ours, then `patch`ed. */
export function payload(event: string, action: string, patch: (p: any) => void): any {
  const p = structuredClone(EXAMPLES.find((e) => e.name === event)!.examples.find((x) => x.action === action));
  p.repository.full_name = REPO;
  patch(p);
  return p;
}

let deliveries = 0;
/** POSTs a delivery to /webhooks/github as GitHub does: X-GitHub-Event, X-GitHub-Delivery, X-Hub-Signature-256. */
export async function deliver(h: Harness, event: string, body: unknown, opts: { delivery?: string; secret?: string } = {}) {
  const raw = JSON.stringify(body);
  const signature = `sha256=${createHmac('sha256', opts.secret ?? WEBHOOK_SECRET).update(raw).digest('hex')}`;
  const delivery = opts.delivery ?? `7f6e5d4c-0000-4000-8000-${String(++deliveries).padStart(12, '0')}`;
  const res = await fetch(`http://127.0.0.1:${h.app!.httpPort}/webhooks/github`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': delivery, 'x-hub-signature-256': signature, 'user-agent': 'GitHub-Hookshot/abc123' },
    body: raw,
  });
  return { status: res.status, body: await res.json(), delivery };
}
const PLAN = { summary: 'Add a NOTES file', steps: ['Write NOTES', 'Run the tests'], files: ['NOTES'], risk: 'low', tests: 'sh test.sh' };

/** The text of a request's messages, oldest first. */
export const texts = (body: any): string[] =>
  body.messages.flatMap((m: any) => (typeof m.content === 'string' ? [m.content] : m.content.map((b: any) => (b.type === 'tool_result' ? String(b.content) : (b.text ?? '')))));

/** The scripted model: a plan; a developer round writes NOTES (v<round>), then finishes. */
function respond(body: any) {
  const tools: string[] = (body.tools ?? []).map((t: any) => t.name);
  if (tools.includes('submit_plan')) return { kind: 'tool' as const, name: 'submit_plan', input: PLAN };
  if (!tools.includes('finish')) return undefined;
  const said = texts(body);
  const round = said[0]!.includes('checks failed') ? 2 : said[0]!.includes('asked for changes') ? 3 : 1;
  return said.length === 1 ? { kind: 'tool' as const, name: 'write_file', input: { path: 'NOTES', content: `notes v${round}\n` } } : { kind: 'tool' as const, name: 'finish', input: { summary: `wrote NOTES v${round}` } };
}

export const green: FakeCheck[] = [
  { name: 'build', status: 'success', title: 'Build passed' },
  { name: 'lint', status: 'success', title: 'No problems' },
];

/** The whole set-up, started; `close()` stops everything. */
export async function githubHarness(options: Pick<HarnessOptions, 'onMerge' | 'realChatLimit' | 'deployCommand' | 'onMergeTimeout'> & { checksInterval?: string; checksTimeout?: string; app?: boolean; poll?: string; healthVersion?: string; reviewers?: 'collaborators' } = {}) {
  const anthropic = await FakeAnthropicApi.start();
  anthropic.respond = respond;
  const github = await FakeGitHubApi.start(REPO);
  // As a GitHub App: AUREA holds the App's private key; the fake knows its public key.
  const { app, poll, healthVersion, checksTimeout, reviewers, ...harnessOptions } = options;
  let credentials: Record<string, string> = { GITHUB_TOKEN: github.token };
  if (app) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    github.app = { id: '123456', publicKey, installationId: 4242, token: 'ghs_fakeInstallationToken000000000000' };
    credentials = { GITHUB_APP_ID: github.app.id, GITHUB_APP_PRIVATE_KEY: privateKey.replaceAll('\n', '\\n') };
  }
  const h = await Harness.create({
    githubFounders: ['ada-gh'],
    ...harnessOptions,
    serviceYaml: `github: { repo: ${REPO}, base: main, merge: squash }${healthVersion ? `\nhealthVersion: "${healthVersion}"` : ''}`,
    yaml: `llm:\n  chain: [anthropic:claude-sonnet-5-5]\ngithub:\n  checksInterval: ${options.checksInterval ?? '100ms'}\n${poll ? `  poll: ${poll}\n` : ''}${checksTimeout ? `  checksTimeout: ${checksTimeout}\n` : ''}${reviewers ? `  reviewers: ${reviewers}\n` : ''}`,
    env: { ANTHROPIC_API_KEY: anthropic.apiKey, ANTHROPIC_BASE_URL: anthropic.baseUrl, ...credentials, GITHUB_API_URL: github.apiUrl, GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET, AUREA_EMBEDDER: 'offline' },
  });
  // The service's checkout is a clone of the repository on "GitHub" (main, origin over HTTP).
  execFileSync('git', ['branch', '-M', 'main'], { cwd: h.repo.dir });
  const remote = await GitHttpRepo.start(h.repo.dir, 'billing', github.app?.token ?? github.token);
  github.attach(remote);
  execFileSync('git', ['remote', 'add', 'origin', remote.url('billing')], { cwd: h.repo.dir });
  await h.start();
  const close = async () => {
    await h.close();
    await Promise.all([remote.close(), github.close(), anthropic.close()]);
  };
  return { h, github, remote, anthropic, close };
}
