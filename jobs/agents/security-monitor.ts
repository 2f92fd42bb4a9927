/**
 * security-monitor (hourly): three checks, each alerting on what is new.
 * - Dependencies: `npm audit --json` (or `agents.security-monitor.auditCommand`) in each service repo
 *   that has a lockfile; an advisory not seen before (by its GitHub advisory id, per service) is
 *   alerted once with its severity (npm critical/high → critical, moderate → warning, low → info).
 * - Certificates: the TLS certificate of each `https` health URL; under 14 days left → warning,
 *   under 3 (or expired) → critical; one open alert per service, resolved once renewed.
 * - Strangers: refused messages (`access.refused` in audit_log) in the last hour against the hourly
 *   average of the day before; a spike (at least 20, and 5× the usual) → one warning until it passes.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Severity } from '../../src/alerts/service.js';
import { describeError } from '../../src/errors.js';
import { certificateExpiry } from '../../src/health/tls.js';
import { childEnv } from '../../src/secrets.js';
import { defineAgent, type AgentContext } from './kit.js';

export const CERT_WARNING_DAYS = 14;
export const CERT_CRITICAL_DAYS = 3;
/** A spike of refused strangers: at least this many in an hour … */
export const STRANGERS_MIN = 20;
/** … and this many times the hourly average of the previous day. */
export const STRANGERS_FACTOR = 5;

const AUDIT_TIMEOUT_MS = 120_000;

/** One advisory as `npm audit --json` (npm 7+, auditReportVersion 2) reports it under vulnerabilities[pkg].via[]. */
interface Advisory {
  id: string;
  package: string;
  title: string;
  severity: string;
  url: string;
}

const NPM_SEVERITY: Record<string, Severity> = { critical: 'critical', high: 'critical', moderate: 'warning', low: 'info', info: 'info' };
const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** The advisories in an `npm audit --json` report (the objects in `vulnerabilities.*.via`), by id. */
export function advisoriesOf(report: unknown): Advisory[] {
  const vulns = (report as { vulnerabilities?: Record<string, { via?: unknown[] }> })?.vulnerabilities ?? {};
  const found = new Map<string, Advisory>();
  for (const [pkg, v] of Object.entries(vulns)) {
    for (const via of v.via ?? []) {
      if (typeof via !== 'object' || via === null) continue;
      const a = via as { source?: number | string; id?: number | string; url?: string; title?: string; severity?: string; name?: string };
      const ref = a.source ?? a.id;
      const id = (a.url && /GHSA-[\w-]+/.exec(a.url)?.[0]) ?? (ref !== undefined ? String(ref) : undefined);
      if (!id) continue;
      found.set(id, { id, package: a.name ?? pkg, title: a.title ?? 'advisory', severity: a.severity ?? 'moderate', url: a.url ?? '' });
    }
  }
  return [...found.values()];
}

/** Runs the audit command; npm audit exits 1 when it finds something, so stdout is read either way. */
function runAudit(command: string, cwd: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile('sh', ['-c', command], { cwd, env: childEnv(process.env), timeout: AUDIT_TIMEOUT_MS, maxBuffer: 50 * 1024 * 1024 }, (err, stdout, stderr) => {
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new Error(`${command} gave no JSON report${err ? ` (${(stderr || err.message).trim().split('\n').slice(-2).join(' ')})` : ''}`));
      }
    });
  });
}

async function dependencies(ctx: AgentContext, command: string): Promise<string[]> {
  const notes: string[] = [];
  for (const [name, svc] of Object.entries(ctx.services)) {
    if (!['package-lock.json', 'npm-shrinkwrap.json'].some((f) => existsSync(join(svc.repo, f)))) continue;
    let advisories: Advisory[];
    try {
      advisories = advisoriesOf(await runAudit(command, svc.repo));
    } catch (err) {
      notes.push(`${name}: audit failed (${describeError(err)})`);
      continue;
    }
    const seenKey = `${ctx.config.redis.prefix}:security:advisories:${name}`;
    const fresh: Advisory[] = [];
    for (const a of advisories) if ((await ctx.redis.sadd(seenKey, a.id)) === 1) fresh.push(a);
    notes.push(`${name}: ${advisories.length} advisories, ${fresh.length} new`);
    if (!fresh.length) continue;
    const severity = fresh.map((a) => NPM_SEVERITY[a.severity] ?? 'warning').reduce((a, b) => (RANK[b] > RANK[a] ? b : a));
    await ctx.alerts.raise({
      severity,
      source: 'agent:security-monitor',
      message: `${name} has ${fresh.length} new security advisor${fresh.length > 1 ? 'ies' : 'y'} in its dependencies:\n${fresh
        .slice(0, 10)
        .map((a) => `• ${a.package}: ${a.title} (${a.severity}, ${a.id}${a.url ? ` ${a.url}` : ''})`)
        .join('\n')}${fresh.length > 10 ? `\n… and ${fresh.length - 10} more (npm audit in ${svc.repo})` : ''}`,
      details: { service: name, advisories: fresh.map((a) => a.id) },
    });
  }
  return notes;
}

async function certificates(ctx: AgentContext): Promise<string[]> {
  const notes: string[] = [];
  for (const [name, svc] of Object.entries(ctx.services)) {
    if (!svc.health?.startsWith('https:')) continue;
    const cert = await certificateExpiry(svc.health, svc.healthTimeout);
    const key = `tls-expiry:${name}`;
    if (!cert.ok) {
      notes.push(`${name}: certificate unreadable (${cert.error})`);
      continue;
    }
    const days = Math.floor(cert.daysLeft);
    notes.push(`${name}: certificate valid ${days} more days`);
    if (cert.daysLeft >= CERT_WARNING_DAYS) {
      await ctx.alerts.resolve(key);
      continue;
    }
    const severity: Severity = cert.daysLeft < CERT_CRITICAL_DAYS ? 'critical' : 'warning';
    await ctx.alerts.raise({
      severity,
      source: 'agent:security-monitor',
      message:
        cert.daysLeft < 0
          ? `${name}'s TLS certificate (${cert.subject}) EXPIRED on ${cert.validTo.toISOString().slice(0, 10)}.`
          : `${name}'s TLS certificate (${cert.subject}) expires in ${days} day${days === 1 ? '' : 's'}, on ${cert.validTo.toISOString().slice(0, 10)}. Renew it.`,
      dedupeKey: key,
      details: { service: name, validTo: cert.validTo.toISOString() },
    });
  }
  return notes;
}

async function strangers(ctx: AgentContext, now = new Date()): Promise<string> {
  const hour = 3_600_000;
  const lastHour = await ctx.auditCount('access.refused', new Date(now.getTime() - hour), now);
  const usual = (await ctx.auditCount('access.refused', new Date(now.getTime() - 25 * hour), new Date(now.getTime() - hour))) / 24;
  const key = 'strangers-spike';
  if (lastHour >= STRANGERS_MIN && lastHour >= STRANGERS_FACTOR * usual) {
    await ctx.alerts.raise({
      severity: 'warning',
      source: 'agent:security-monitor',
      message: `${lastHour} messages from strangers were refused in the last hour (usually ${usual.toFixed(1)} an hour). Someone may be probing the bot; audit_log has who.`,
      dedupeKey: key,
      details: { lastHour, usualPerHour: usual },
    });
  } else {
    await ctx.alerts.resolve(key);
  }
  return `${lastHour} strangers refused in the last hour (usually ${usual.toFixed(1)})`;
}

export const securityMonitor = defineAgent({
  name: 'security-monitor',
  description: 'New dependency advisories (npm audit), TLS certificates near expiry, spikes of refused strangers',
  schedule: { every: 3_600_000 },
  payload: z.strictObject({}),
  async run(ctx) {
    const command = ctx.config.agents['security-monitor']?.auditCommand ?? 'npm audit --json';
    const [deps, certs, refused] = await Promise.all([dependencies(ctx, command), certificates(ctx), strangers(ctx)]);
    const notes = [...deps, ...certs, refused];
    return { summary: notes.join('; ').slice(0, 300) || 'nothing to check', output: { notes } };
  },
});
