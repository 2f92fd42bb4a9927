import type { TaskDeps } from '../deps.js';
import type { TaskOutcome, TaskStateType, TaskUpdate } from '../state.js';

/** How the task ended, from its state. */
export function outcomeOf(state: TaskStateType): TaskOutcome {
  if (state.outcome) return state.outcome;
  if (state.decision && !state.decision.approved) return 'rejected';
  if (state.healthCheck?.ok) return 'deployed';
  return 'stopped';
}

/**
 * Writes what the task taught: an `experience` memory (task, plan, outcome, rounds, cost), and for
 * each test failure that a later round fixed, an `error` and a `solution` memory linked to the
 * task. A later task's planner retrieves them. Never throws.
 */
export function learnNode(deps: TaskDeps) {
  return async (state: TaskStateType): Promise<TaskUpdate> => {
    const outcome = outcomeOf(state);
    const cost = await deps.ledger.costOf(`task:${state.taskId}`).catch(() => 0);
    const source = `task:${state.taskId}`;
    const rounds = state.rounds ?? [];
    const remember = (content: string, type: 'experience' | 'error' | 'solution', metadata: Record<string, unknown>) =>
      deps.memory.remember({ content, type, source, metadata: { task: state.taskId, service: state.service, ...metadata } }).catch((err: unknown) => deps.log.warn({ err }, 'could not remember the task'));
    await remember(
      `Task on ${state.service}: "${state.request}". Plan: ${state.plan?.summary ?? 'none'}. Outcome: ${outcome}` +
        `${state.stopReason ? ` (${state.stopReason})` : ''} after ${rounds.length} round(s), model cost $${cost.toFixed(4)}.`,
      'experience',
      { outcome, rounds: rounds.length, costUsd: cost },
    );
    for (let i = 0; i < rounds.length - 1; i++) {
      const failed = rounds[i]!;
      const fixed = rounds.slice(i + 1).find((r) => r.test?.ok);
      if (failed.test?.ok !== false || !fixed) continue;
      const error = failed.test.tail.trim().split('\n').slice(-3).join(' ').slice(0, 400);
      await remember(`Tests of ${state.service} failed during "${state.request}": ${error}`, 'error', { round: i + 1 });
      await remember(`Fixed in ${state.service} ("${state.request}") after "${error.slice(0, 120)}": ${fixed.summary}`, 'solution', { round: i + 2 });
    }
    if (state.fixes && outcome === 'deployed') {
      await remember(`Fixed "${state.fixes}" on ${state.service} with task #${state.taskId} ("${state.request}"): ${state.plan?.summary ?? state.rounds.at(-1)?.summary}`, 'solution', { fixes: state.fixes });
    }
    return { outcome };
  };
}
