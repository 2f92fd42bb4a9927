import { END, START, StateGraph, type BaseCheckpointSaver } from '@langchain/langgraph';
import type { DeployDeps } from './deps.js';
import { approvalNode } from './nodes/approval.js';
import { deployerNode } from './nodes/deployer.js';
import { recoverNode } from './nodes/recover.js';
import { reportNode } from './nodes/report.js';
import { rollbackNode } from './nodes/rollback.js';
import { testerNode } from './nodes/tester.js';
import { verifyNode } from './nodes/verify.js';
import { DeployState } from './state.js';

/**
 * Deploy graph topology:
 *   tester ─ok→ approval ─approved→ deployer ─ok→ verify ─healthy→ report
 *      └fail→ report   └rejected→ report  └fail→ rollback ←unhealthy┘ → report
 *                                         └interrupted (crash while deploying)→ recover ─roll back→ rollback
 *                                                                                  └keep→ report
 */
export function buildDeployGraph(deps: DeployDeps, checkpointer: BaseCheckpointSaver) {
  return new StateGraph(DeployState)
    .addNode('tester', testerNode(deps))
    .addNode('approval', approvalNode(deps))
    .addNode('deployer', deployerNode(deps))
    .addNode('verify', verifyNode(deps))
    .addNode('recover', recoverNode(deps))
    .addNode('rollback', rollbackNode(deps))
    .addNode('report', reportNode(deps))
    .addEdge(START, 'tester')
    .addConditionalEdges('tester', (s) => (s.testRun?.ok ? 'approval' : 'report'), ['approval', 'report'])
    .addConditionalEdges('approval', (s) => (s.decision?.approved ? 'deployer' : 'report'), ['deployer', 'report'])
    .addConditionalEdges('deployer', (s) => (s.deployRun?.interruptedAt ? 'recover' : s.deployRun?.ok ? 'verify' : 'rollback'), ['recover', 'verify', 'rollback'])
    .addConditionalEdges('recover', (s) => (s.recovery?.decision.approved ? 'rollback' : 'report'), ['rollback', 'report'])
    .addConditionalEdges('verify', (s) => (s.healthCheck?.ok ? 'report' : 'rollback'), ['report', 'rollback'])
    .addEdge('rollback', 'report')
    .addEdge('report', END)
    .compile({ checkpointer, name: 'deploy' });
}

export type DeployGraph = ReturnType<typeof buildDeployGraph>;
