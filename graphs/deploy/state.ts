import { Annotation } from '@langchain/langgraph';
import type { Actor } from '../../src/actor.js';
import type { Decision } from '../runner.js';
import type { StepResult } from '../steps.js';

/** After an interrupted deploy: how the service looked and what the founder chose. */
export interface Recovery {
  interruptedAt: string;
  /** Health when the run resumed; null when the service has no health URL. */
  healthy: boolean | null;
  detail: string;
  decision: Decision;
}

export type { Decision } from '../runner.js';

export type DeployOutcome = 'deployed' | 'rolled_back' | 'rejected' | 'tests_failed' | 'rollback_failed' | 'kept_after_interruption';

/** State of one deploy run (one LangGraph thread). Every field is last-value-wins. */
export const DeployState = Annotation.Root({
  service: Annotation<string>,
  requestedBy: Annotation<Actor>,
  testRun: Annotation<StepResult | undefined>,
  decision: Annotation<Decision | undefined>,
  deployRun: Annotation<StepResult | undefined>,
  healthCheck: Annotation<{ ok: boolean; detail: string; waitedMs: number } | undefined>,
  recovery: Annotation<Recovery | undefined>,
  rollbackRun: Annotation<StepResult | undefined>,
  outcome: Annotation<DeployOutcome | undefined>,
});

export type DeployStateType = typeof DeployState.State;
export type DeployUpdate = typeof DeployState.Update;
