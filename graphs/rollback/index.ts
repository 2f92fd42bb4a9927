import { END, START, StateGraph, type BaseCheckpointSaver } from '@langchain/langgraph';
import type { RollbackDeps } from './deps.js';
import { approvalNode } from './nodes/approval.js';
import { reportNode } from './nodes/report.js';
import { rollbackNode } from './nodes/rollback.js';
import { verifyNode } from './nodes/verify.js';
import { RollbackState } from './state.js';

/**
 * Rollback graph topology (/rollback, Diagnose's ↩ Roll back):
 *   approval ─approved→ rollback ─ran→ verify → report
 *       └kept→ report        └failed→ report
 */
export function buildRollbackGraph(deps: RollbackDeps, checkpointer: BaseCheckpointSaver) {
  return new StateGraph(RollbackState)
    .addNode('approval', approvalNode(deps))
    .addNode('rollback', rollbackNode(deps))
    .addNode('verify', verifyNode(deps))
    .addNode('report', reportNode(deps))
    .addEdge(START, 'approval')
    .addConditionalEdges('approval', (s) => (s.decision?.approved ? 'rollback' : 'report'), ['rollback', 'report'])
    .addConditionalEdges('rollback', (s) => (s.rollbackRun?.ok ? 'verify' : 'report'), ['verify', 'report'])
    .addEdge('verify', 'report')
    .addEdge('report', END)
    .compile({ checkpointer, name: 'rollback' });
}
