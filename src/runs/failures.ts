/**
 * A graph run that failed for good (every retry used, or a job that can never run) is never left
 * silent: the founders are told what did not happen, in words ("Deploy billing?, which Ada approved
 * at 10:02 UTC, could not run: …"), with a 🔁 Retry button, and the service lease its thread held is
 * given back so the next change to that service is not blocked behind it.
 */
import { SYSTEM } from '../actor.js';
import type { ApprovalService } from '../approvals/service.js';
import { audit } from '../audit/log.js';
import type { Broadcaster } from '../channels/broadcast.js';
import type { Button } from '../channels/port.js';
import type { ServiceLeases } from '../leases/store.js';
import type { Logger } from '../log.js';
import type pg from 'pg';
import type { GraphJob } from './port.js';

export interface FailedRun {
  jobId: string;
  job: GraphJob;
  /** When the job was queued (ms since the epoch). */
  queuedAt: number;
  /** Why it failed, for the founders (scrubbed of secrets by the caller). */
  reason: string;
  /** The 🔁 Retry button, or null when retrying cannot help (a job naming the wrong approval). */
  retry: Button | null;
}

const utc = (d: Date) => `${d.toISOString().slice(11, 16)} UTC`;

/** What the run was, in the founders' words. */
async function whatDidNotHappen(approvals: Pick<ApprovalService, 'get'>, failed: FailedRun): Promise<string> {
  const { job } = failed;
  if (job.action === 'resume') {
    const approval = await approvals.get(job.approvalId).catch(() => null);
    if (approval?.decided_at) {
      const how = approval.status === 'approved' ? 'approved' : approval.status;
      return `“${approval.title}”, which ${approval.decided_by ?? 'a founder'} ${how} at ${utc(approval.decided_at)}, could not go on`;
    }
    return `The ${job.graph} run waiting on approval ${job.approvalId} could not go on`;
  }
  const service = job.action === 'start' && typeof job.input.service === 'string' ? ` of ${job.input.service}` : '';
  const asked = job.action === 'start' ? `, asked for at ${utc(new Date(failed.queuedAt))},` : '';
  return `The ${job.graph}${service}${asked} could not ${job.action === 'start' ? 'run' : 'go on'}`;
}

/**
 * Tells the founders, audits `run.failed`, and gives back the thread's service lease. Never throws.
 */
export async function reportFailedRun(
  deps: { db: pg.Pool; approvals: Pick<ApprovalService, 'get'>; broadcaster: Pick<Broadcaster, 'broadcast'>; leases: Pick<ServiceLeases, 'releaseAll'>; log: Logger },
  failed: FailedRun,
): Promise<void> {
  try {
    await deps.leases.releaseAll(failed.job.threadId);
    await audit(deps.db, SYSTEM, 'run.failed', `job:${failed.jobId}`, { thread: failed.job.threadId, graph: failed.job.graph, reason: failed.reason });
    const what = await whatDidNotHappen(deps.approvals, failed);
    await deps.broadcaster.broadcast({
      text: `⚠️ ${what}: ${failed.reason}.${failed.retry ? ' Nothing more was done; 🔁 Retry runs it again from where it stopped.' : ' Nothing was done.'}`,
      ...(failed.retry ? { buttons: [[failed.retry]] } : {}),
    });
  } catch (err) {
    deps.log.error({ err, job: failed.jobId }, 'could not tell the founders that a graph run failed');
  }
}
