/**
 * One agents-queue worker process for the agent-runs bench (postgres): the no-op agent, runAgentJob
 * as AUREA's workers run it, concurrency 16. Env: DATABASE_URL, AUREA_REDIS_PREFIX. Prints "ready",
 * stops on SIGTERM.
 */
import { loadConfig } from '../src/config.js';
import { CHANNELS } from '../bots/channels.js';
import { openDatabase } from '../src/db/database.js';
import { createRedis } from '../src/redis.js';
import { REDIS_URL } from '../test/helpers/harness.js';
import { agentWorker } from './agent-runs.js';

const config = loadConfig({ DATABASE_URL: process.env.DATABASE_URL!, AUREA_REDIS_PREFIX: process.env.AUREA_REDIS_PREFIX! }, CHANNELS);
const db = await openDatabase(config);
const worker = agentWorker(db, config, createRedis(REDIS_URL, 'bullmq'));
await worker.waitUntilReady();
process.stdout.write('ready\n');
process.once('SIGTERM', () => void worker.close().then(() => db.close()).then(() => process.exit(0)));
