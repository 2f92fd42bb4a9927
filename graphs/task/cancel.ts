import type { TaskDeps } from './deps.js';
import type { TaskStateType, TaskUpdate } from './state.js';

/** How often a running command checks whether /cancel asked (ms). */
const POLL_MS = 300;

/** At a node boundary: the update that ends the task when /cancel asked for it, else null. */
export async function cancelled(deps: Pick<TaskDeps, 'taskStore'>, state: Pick<TaskStateType, 'taskId'>): Promise<TaskUpdate | null> {
  const by = await deps.taskStore.cancelledBy(state.taskId);
  return by ? { stopReason: `cancelled by ${by}`, outcome: 'cancelled' } : null;
}

/**
 * Runs `work` with an AbortSignal that fires as soon as /cancel asks (polled every 300 ms), so a
 * running command is killed instead of finishing.
 */
export async function untilCancelled<T>(deps: Pick<TaskDeps, 'taskStore'>, taskId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setInterval(() => {
    deps.taskStore.cancelledBy(taskId).then(
      (by) => by && controller.abort(),
      () => undefined,
    );
  }, POLL_MS);
  try {
    return await work(controller.signal);
  } finally {
    clearInterval(timer);
  }
}

/** Whether the task has run past `tasks.timeout` since it was queued. */
export function timedOut(deps: Pick<TaskDeps, 'config'>, state: Pick<TaskStateType, 'startedAt'>): boolean {
  return Date.now() - Date.parse(state.startedAt) > deps.config.tasks.timeoutMs;
}
