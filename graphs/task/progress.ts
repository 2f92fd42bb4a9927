import type { OutboundMessage } from '../../src/channels/port.js';
import type { TaskDeps } from './deps.js';
import type { TaskStateType } from './state.js';

export type Stage = 'plan' | 'code' | 'test' | 'checks' | 'approve' | 'deploy' | 'verify';

const mark = (ok: boolean | undefined) => (ok === undefined ? '' : ok ? ' ✓' : ' ✗');

/**
 * The task's progress line: `plan ✓ · code ✓ · test 2/3 ✗→✓ · approve ⏳ · deploy · verify` (with
 * `checks ✗→✓` after test for a service on GitHub).
 * @param current the stage under way (⏳), if any
 */
export function progressLine(state: Partial<TaskStateType>, maxRounds: number, current?: Stage): string {
  const rounds = state.rounds ?? [];
  const tested = rounds.filter((r) => r.test);
  const now = (stage: Stage) => (current === stage ? ' ⏳' : '');
  const parts = [
    `plan${state.plan ? ' ✓' : state.stopReason && !rounds.length ? ' ✗' : now('plan')}`,
    `code${rounds.length ? mark(current === 'code' ? undefined : true) : ''}${now('code')}`,
    `test${tested.length ? ` ${tested.length}/${maxRounds} ${tested.map((r) => (r.test!.ok ? '✓' : '✗')).join('→')}` : ''}${now('test')}`,
    // A pull request's checks (a service on GitHub), per round like the tests.
    ...(state.pr || current === 'checks' ? [`checks${checked(rounds)}${now('checks')}`] : []),
    `approve${state.decision ? mark(state.decision.approved) : now('approve')}`,
    `deploy${state.deploy ? mark(state.deploy.run.ok) : now('deploy')}`,
    `verify${state.healthCheck ? mark(state.healthCheck.ok) : now('verify')}`,
  ];
  return parts.join(' · ');
}

function checked(rounds: NonNullable<TaskStateType['rounds']>): string {
  const done = rounds.filter((r) => r.checks);
  return done.length ? ` ${done.map((r) => (r.checks!.state === 'failure' ? '✗' : r.checks!.state === 'pending' ? '⏱' : '✓')).join('→')}` : '';
}

/** The progress message of a task (title, the request, the progress line). */
export function progressMessage(state: Pick<TaskStateType, 'taskId' | 'service' | 'request'>, line: string): OutboundMessage {
  return { title: `Task #${state.taskId} on ${state.service}`, text: state.request, status: line };
}

/**
 * Edits the task's progress message in place on every channel that shows it, when a node finishes
 * (one edit per node: Telegram allows about one message per second per chat). Never throws.
 * @param next the stage that starts now (shown ⏳)
 */
export async function showProgress(deps: Pick<TaskDeps, 'broadcaster' | 'config'>, state: TaskStateType, next?: Stage): Promise<void> {
  if (!state.progress?.length) return;
  await deps.broadcaster.editAll(state.progress, progressMessage(state, progressLine(state, deps.config.tasks.maxRounds, next))).catch(() => undefined);
}
