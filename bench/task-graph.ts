/**
 * Graph overhead per node transition of the task graph's shape (model and command time excluded):
 * the task state (TaskState) through nine no-op nodes in a chain, checkpointed by LangGraph's
 * PostgresSaver on AUREA's pool with `durability: 'sync'` as the workers run it, on the backend
 * AUREA_TEST_BACKEND names (embedded PGlite by default; `postgres` = a real server).
 * Target: < 50 ms per transition on embedded Postgres.
 */
import { randomUUID } from 'node:crypto';
import { END, START, StateGraph } from '@langchain/langgraph';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import { TaskState } from '../graphs/task/state.js';
import { migrate } from '../src/db/migrate.js';
import { BACKEND, openTestDatabase } from '../test/helpers/backend.js';
import { percentile, round, type BenchResult } from './stats.js';

const NODES = ['planner', 'developer', 'tester', 'approval', 'deployer', 'verify', 'rollback', 'learn', 'report'] as const;

export async function taskGraphBench(runs = 30): Promise<BenchResult> {
  const { db, close } = await openTestDatabase();
  try {
    await migrate(db.pool);
    let graph = new StateGraph(TaskState) as unknown as StateGraph<typeof TaskState.spec, any, any, string>;
    for (const name of NODES) graph = graph.addNode(name, async (s: typeof TaskState.State) => ({ rounds: [...(s.rounds ?? []), { summary: name }] })) as typeof graph;
    graph = graph.addEdge(START, NODES[0]) as typeof graph;
    for (let i = 1; i < NODES.length; i++) graph = graph.addEdge(NODES[i - 1]!, NODES[i]!) as typeof graph;
    const compiled = graph.addEdge(NODES.at(-1)!, END).compile({ checkpointer: new PostgresSaver(db.pool) });
    const input = { taskId: '1', service: 'billing', request: 'bench', requestedBy: { platform: 'system', id: 'bench', name: 'bench' }, startedAt: new Date().toISOString(), progress: [], rounds: [] };
    const perTransition: number[] = [];
    for (let i = 0; i < runs + 3; i++) {
      const started = performance.now();
      await compiled.invoke(input, { configurable: { thread_id: `bench:${randomUUID()}` }, durability: 'sync' });
      if (i >= 3) perTransition.push((performance.now() - started) / NODES.length); // the first runs warm up
    }
    const p50 = percentile(perTransition, 50);
    const p95 = percentile(perTransition, 95);
    return {
      name: `task graph overhead per node transition (${BACKEND})`,
      rows: [
        { metric: 'per transition p50', value: round(p50, 2), unit: 'ms', target: BACKEND === 'embedded' ? '< 50' : undefined, met: BACKEND === 'embedded' ? p50 < 50 : undefined },
        { metric: 'per transition p95', value: round(p95, 2), unit: 'ms' },
        { metric: 'runs × transitions', value: `${runs} × ${NODES.length}`, unit: '' },
      ],
      details: { perTransition },
    };
  } finally {
    await close();
  }
}
