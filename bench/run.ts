/**
 * `npm run bench`: runs every benchmark in turn (real PGlite, real Redis, fake Telegram Bot API on
 * 127.0.0.1), prints a table per benchmark and one JSON document at the end.
 * `npm run bench -- burst startup` runs only the named ones.
 */
import { approvalLatency } from './approval-latency.js';
import { burst } from './burst.js';
import { crashReport } from './crash-report.js';
import { intentBench } from './intent.js';
import { mcpClientBench } from './mcp-client.js';
import { mcpServerBench } from './mcp-server.js';
import { githubBench } from './github.js';
import { eventsBench } from './events.js';
import { sandboxOverhead } from './sandbox.js';
import { flood } from './flood.js';
import { startup } from './startup.js';
import { statusLatency } from './status-latency.js';
import { memoryBench } from './memory.js';
import { routerBench } from './router.js';
import { slackAck } from './slack-ack.js';
import { agentRuns } from './agent-runs.js';
import { alertFanout } from './alert-fanout.js';
import { taskGraphBench } from './task-graph.js';
import { taskThroughput } from './task-throughput.js';
import { voice } from './voice.js';
import { printResult, type BenchResult } from './stats.js';

const BENCHES: Record<string, () => Promise<BenchResult>> = {
  'status-latency': () => statusLatency('spread'),
  'status-together': () => statusLatency('together'),
  burst: () => burst(),
  startup: () => startup(),
  'approval-latency': () => approvalLatency('in-process'),
  'graph-pickup': () => approvalLatency('two workers'),
  voice: () => voice(),
  'slack-ack': () => slackAck(),
  memory: () => memoryBench(),
  flood: () => flood(),
  router: () => routerBench(),
  'task-graph': () => taskGraphBench(),
  'task-throughput': () => taskThroughput(),
  'agent-runs': () => agentRuns(),
  'alert-fanout': () => alertFanout(),
  'crash-report': () => crashReport(),
  sandbox: () => sandboxOverhead(),
  intent: () => intentBench(),
  'mcp-client': () => mcpClientBench(),
  'mcp-server': () => mcpServerBench(),
  github: () => githubBench(),
  events: () => eventsBench(),
};

const wanted = process.argv.slice(2).filter((a) => a !== '--');
const names = wanted.length ? wanted : Object.keys(BENCHES);
const unknown = names.filter((n) => !BENCHES[n]);
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}

const results: BenchResult[] = [];
for (const name of names) {
  const result = await BENCHES[name]!();
  printResult(result);
  results.push(result);
}
console.log('\n' + JSON.stringify({ machine: { node: process.version, cpus: (await import('node:os')).cpus().length }, results }, null, 2));
process.exit(0);
