import { Annotation } from '@langchain/langgraph';
import type { Actor } from '../../src/actor.js';
import type { MessageRef } from '../../src/channels/port.js';
import type { StepResult } from '../deploy/state.js';
import type { Decision } from '../runner.js';
import type { Plan } from './plan.js';

/** One developer ⇄ tester round: what the developer said it did, and the test result. */
export interface Round {
  summary: string;
  test?: StepResult;
}

export type TaskOutcome = 'deployed' | 'rolled_back' | 'rejected' | 'stopped' | 'cancelled';

/** State of one task run (one LangGraph thread `task:<id>`). Every field is last-value-wins. */
export const TaskState = Annotation.Root({
  taskId: Annotation<string>,
  service: Annotation<string>,
  request: Annotation<string>,
  requestedBy: Annotation<Actor>,
  /** The error this task was opened to fix (Diagnose), if any. */
  fixes: Annotation<string | undefined>,
  /** When the task was queued (ISO); `tasks.timeout` counts from here. */
  startedAt: Annotation<string>,
  /** The progress message, edited in place as nodes finish. */
  progress: Annotation<MessageRef[]>,
  plan: Annotation<Plan | undefined>,
  worktree: Annotation<{ dir: string; branch: string; base: string } | undefined>,
  rounds: Annotation<Round[]>,
  diffStat: Annotation<string | undefined>,
  decision: Annotation<Decision | undefined>,
  deploy: Annotation<{ previous: string; merged: string; run: StepResult } | undefined>,
  healthCheck: Annotation<{ ok: boolean; detail: string } | undefined>,
  rollbackRun: Annotation<StepResult | undefined>,
  outcome: Annotation<TaskOutcome | undefined>,
  /** Why the task stopped before deploying (invalid plan, tests failing after the last round, a limit). */
  stopReason: Annotation<string | undefined>,
});

export type TaskStateType = typeof TaskState.State;
export type TaskUpdate = typeof TaskState.Update;
