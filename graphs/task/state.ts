import { Annotation } from '@langchain/langgraph';
import type { Actor } from '../../src/actor.js';
import type { Check, Checks } from '../../src/github/repo.js';
import type { MessageRef } from '../../src/channels/port.js';
import type { Worktree } from '../git.js';
import type { Decision } from '../runner.js';
import type { StepResult } from '../steps.js';
import type { Plan } from './plan.js';

/** One developer ⇄ tester round: what the developer said it did, the commit it made, and the test result. */
export interface Round {
  summary: string;
  /** The worktree's commit after the round: what the tests ran on and what an approval pins. */
  commit?: string;
  test?: StepResult;
  /** A GitHub service: the pull request's checks on this round's commit (graphs/task/nodes/pull-request.ts). */
  checks?: RoundChecks;
  /**
   * What the next round must address besides a failed test: a failing check, a reviewer's comment.
   * Text from GitHub (written by people or CI), shown to the developer as data.
   */
  feedback?: string;
}

/** A pull request's checks on a round's commit, as the approval shows them. */
export interface RoundChecks {
  state: Checks['state'];
  checks: Check[];
  /** github.checksTimeout passed while some still ran. */
  timedOut?: boolean;
}

/** A task's pull request (a service with `github:`). */
export interface TaskPullRequest {
  number: number;
  url: string;
  nodeId: string;
}

export type TaskOutcome = 'deployed' | 'rolled_back' | 'rejected' | 'stopped' | 'cancelled';

/** State of one task run (one LangGraph thread `task:<id>:<uuid>`). Every field is last-value-wins. */
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
  worktree: Annotation<Worktree | undefined>,
  rounds: Annotation<Round[]>,
  diffStat: Annotation<string | undefined>,
  /** Its pull request, once opened (a service with `github:`); closed when the task ends without merging it. */
  pr: Annotation<TaskPullRequest | undefined>,
  /** How many approvals this task has asked for (a branch that moved after one is asked again). */
  asked: Annotation<number | undefined>,
  decision: Annotation<Decision | undefined>,
  /** A reviewer asked for changes on the pull request instead of a founder deciding: another round. */
  revising: Annotation<boolean | undefined>,
  /** The id of the last task_feedback row a round took (decimal text). */
  feedbackSeen: Annotation<string | undefined>,
  /** The commit and tree the last decided approval showed: the only thing the deployer merges. */
  approved: Annotation<{ commit: string; tree: string } | undefined>,
  deploy: Annotation<{ previous: string; merged: string; run: StepResult } | undefined>,
  healthCheck: Annotation<{ ok: boolean; detail: string } | undefined>,
  rollbackRun: Annotation<StepResult | undefined>,
  outcome: Annotation<TaskOutcome | undefined>,
  /** Why the task stopped before deploying (invalid plan, tests failing after the last round, a limit). */
  stopReason: Annotation<string | undefined>,
});

export type TaskStateType = typeof TaskState.State;
export type TaskUpdate = typeof TaskState.Update;
