import type { Actor } from '../actor.js';

/** An MCP call a founder allowed (its `mcp-call` approval), to be carried out on a worker. */
export interface McpCallJob {
  /** The approval, pinned to the server, tool and arguments it showed. */
  approvalId: string;
  /** Who allowed it (audited as the call's requester). */
  decider: Actor;
  /** Allowed with ♾ Always allow. */
  always: boolean;
}

/** Where allowed MCP calls go: a queue that workers take them from (jobs/mcp-jobs.ts). */
export interface McpCallJobs {
  /** Enqueues the call once per approval (the job id carries the approval's UUID). */
  enqueue(job: McpCallJob): Promise<void>;
}
