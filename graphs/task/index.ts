import { END, START, StateGraph, type BaseCheckpointSaver } from '@langchain/langgraph';
import type { TaskDeps } from './deps.js';
import { approvalNode } from './nodes/approval.js';
import { deployerNode } from './nodes/deployer.js';
import { developerNode } from './nodes/developer.js';
import { learnNode } from './nodes/learn.js';
import { plannerNode } from './nodes/planner.js';
import { pullRequestNode } from './nodes/pull-request.js';
import { reportNode } from './nodes/report.js';
import { rollbackNode } from './nodes/rollback.js';
import { testerNode } from './nodes/tester.js';
import { verifyNode } from './nodes/verify.js';
import { TaskState } from './state.js';

/**
 * Task graph topology:
 *   planner ─plan→ developer → tester ─pass→ [pullRequest] → approval ─approved→ deployer ─ok→ verify ─healthy→ learn → report
 *      │              ↑ fail (rounds left) ┘       │ checks fail ┘  │       │ └fail→ rollback ←unhealthy┘   ↑
 *      └no plan → learn       (last round) → learn   rejected → learn  └branch moved after the approval → tester
 *                                                                        rollback → learn ─────┘
 *   pullRequest (a service on GitHub): push, draft pull request, its checks; failing → developer.
 *   approval answered by a reviewer's @aurea on the pull request → developer (another round).
 */
export function buildTaskGraph(deps: TaskDeps, checkpointer: BaseCheckpointSaver) {
  const stopped = (s: typeof TaskState.State) => Boolean(s.stopReason);
  const onGithub = (s: typeof TaskState.State) => Boolean(deps.config.services[s.service]?.github);
  return new StateGraph(TaskState)
    .addNode('planner', plannerNode(deps))
    .addNode('developer', developerNode(deps))
    .addNode('tester', testerNode(deps))
    .addNode('pullRequest', pullRequestNode(deps))
    .addNode('approval', approvalNode(deps))
    .addNode('deployer', deployerNode(deps))
    .addNode('verify', verifyNode(deps))
    .addNode('rollback', rollbackNode(deps))
    .addNode('learn', learnNode(deps))
    .addNode('report', reportNode(deps))
    .addEdge(START, 'planner')
    .addConditionalEdges('planner', (s) => (stopped(s) ? 'learn' : 'developer'), ['developer', 'learn'])
    .addConditionalEdges('developer', (s) => (stopped(s) ? 'learn' : 'tester'), ['tester', 'learn'])
    .addConditionalEdges('tester', (s) => (s.rounds.at(-1)?.test?.ok ? (onGithub(s) ? 'pullRequest' : 'approval') : stopped(s) ? 'learn' : 'developer'), ['pullRequest', 'approval', 'developer', 'learn'])
    .addConditionalEdges('pullRequest', (s) => (stopped(s) ? 'learn' : s.rounds.at(-1)?.checks?.state === 'failure' ? 'developer' : 'approval'), ['developer', 'approval', 'learn'])
    .addConditionalEdges('approval', (s) => (s.revising ? 'developer' : s.decision?.approved ? 'deployer' : 'learn'), ['developer', 'deployer', 'learn'])
    .addConditionalEdges('deployer', (s) => (stopped(s) ? 'learn' : !s.deploy ? 'tester' : s.deploy.run.ok ? 'verify' : 'rollback'), ['tester', 'verify', 'rollback', 'learn'])
    .addConditionalEdges('verify', (s) => (s.healthCheck?.ok || stopped(s) ? 'learn' : 'rollback'), ['learn', 'rollback'])
    .addEdge('rollback', 'learn')
    .addEdge('learn', 'report')
    .addEdge('report', END)
    .compile({ checkpointer, name: 'task' });
}
