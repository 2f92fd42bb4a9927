import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import { audit } from '../../../src/audit/log.js';
import { notApprovedReason } from '../../runner.js';
import type { TaskDeps } from '../deps.js';
import { removeWorktree } from '../../git.js';
import { showProgress } from '../progress.js';
import { closePullRequest } from './pull-request.js';
import type { TaskStateType, TaskUpdate } from '../state.js';

/** Ends every task: the service's lease given back, the `tasks` row, the audit row, the final progress line, the founders told, the worktree removed. */
export function reportNode(deps: TaskDeps) {
  return async (state: TaskStateType, config: LangGraphRunnableConfig): Promise<TaskUpdate> => {
    const outcome = state.outcome ?? 'stopped';
    const rounds = state.rounds?.length ?? 0;
    const detail =
      outcome === 'deployed'
        ? `deployed ${state.deploy!.merged.slice(0, 7)}, ${state.healthCheck!.detail}`
        : outcome === 'rolled_back'
          ? `rolled back to ${state.deploy!.previous.slice(0, 7)}`
          : outcome === 'rejected'
            ? notApprovedReason(state.decision!)
            : outcome === 'cancelled'
              ? `${state.stopReason}; the deploy branch is untouched`
              : (state.stopReason ?? 'stopped');
    // A pull request that will not be merged is closed, saying why.
    const unclosed = outcome === 'deployed' || outcome === 'rolled_back' ? '' : await closePullRequest(deps, state, outcome === 'rejected' ? `was ${detail} in chat` : outcome === 'cancelled' ? detail : `stopped: ${detail}`);
    if (state.worktree) await removeWorktree(deps.config.services[state.service]!.repo, state.worktree.dir);
    await deps.leases.releaseAll(String(config.configurable?.thread_id));
    await deps.taskStore.update(state.taskId, {
      status: outcome,
      rounds,
      detail,
      ...(outcome === 'deployed' ? { commits: { deployed: state.deploy!.merged, previous: state.deploy!.previous } } : {}),
    });
    await audit(deps.db.pool, state.requestedBy, `task.${outcome}`, `task:${state.taskId}`, { service: state.service, rounds, detail });
    await showProgress(deps, state);
    const text = {
      deployed: `✅ Task #${state.taskId} on ${state.service} deployed and verified: ${detail}.`,
      rolled_back: null, // the rollback alert told the founders already
      rejected: `❌ Task #${state.taskId} on ${state.service} was not deployed: ${detail}.`,
      stopped: `⏹ Task #${state.taskId} on ${state.service} stopped: ${detail}.${lastFailure(state)}`,
      cancelled: `⏹ Task #${state.taskId} on ${state.service} ${detail}.`,
    }[outcome];
    if (text) await deps.broadcaster.broadcast({ text: text + unclosed });
    return { outcome };
  };
}

function lastFailure(state: TaskStateType): string {
  const test = state.rounds?.at(-1)?.test;
  if (!test || test.ok) return '';
  return `\nLast test output:\n${test.tail.trim().split('\n').slice(-5).map((l) => `  ${l}`).join('\n')}`;
}
