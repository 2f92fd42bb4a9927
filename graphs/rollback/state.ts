import { Annotation } from '@langchain/langgraph';
import type { Actor } from '../../src/actor.js';
import type { Decision } from '../runner.js';
import type { StepResult } from '../steps.js';

export type RollbackOutcome = 'rolled_back' | 'rollback_failed' | 'kept';

/** State of one rollback run (one LangGraph thread `rollback:<service>:<uuid>`). Every field is last-value-wins. */
export const RollbackState = Annotation.Root({
  service: Annotation<string>,
  requestedBy: Annotation<Actor>,
  /** The task whose deploy is undone: its number, request, the commit before it and the one it deployed. */
  task: Annotation<{ id: string; request: string; commit: string; deployed: string | null }>,
  /** Why it was asked (Diagnose's reason), shown first in the request. */
  why: Annotation<string | undefined>,
  decision: Annotation<Decision | undefined>,
  rollbackRun: Annotation<StepResult | undefined>,
  healthCheck: Annotation<{ ok: boolean; detail: string } | undefined>,
  outcome: Annotation<RollbackOutcome | undefined>,
});

export type RollbackStateType = typeof RollbackState.State;
export type RollbackUpdate = typeof RollbackState.Update;
