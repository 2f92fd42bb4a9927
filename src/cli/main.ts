import { existsSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig, type Config } from '../config.js';
import { CHANNELS } from '../main.js';
import { createLogger } from '../log.js';
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { AureaError, describeError } from '../errors.js';
import { ROLES, startAurea } from '../main.js';
import type { CommandSpec } from '../commands/registry.js';
import { prepareDemo } from './demo.js';
import { runDoctor } from './doctor.js';
import { runInit } from './init.js';
import { runMcpRelay } from './mcp.js';
import { runEventsTail, tailOptions } from './events.js';
import { pairable, runFounders, runPair } from './founders.js';

const USAGE = `Usage: aurea <command>

  demo     try AUREA on a tiny demo service, in this terminal (status, deploy with approval, break → alert)
  chat     talk to AUREA in this terminal (runs everything, like start, plus the console channel)
  start    run everything in one process (HTTP server, chat bots, scheduled agents)
  bot      run the HTTP server and the chat bots only (needs DATABASE_URL)
  worker   run the scheduled agents only (needs DATABASE_URL; scale out with more workers)
  migrate  apply database migrations and exit
  doctor   show what is configured and what answers, and how to fix what does not; exit 1 when something required is missing
  init     set AUREA up: tokens (checked), model keys, a first service; writes .env and aurea.config.yaml
           (--yes takes the answers from the environment and --service/--repo/--health/--test/--deploy/--rollback)
  pair     pair ${pairable()}: print a one-time code that makes its sender a founder
  founders list the founders and where each comes from
  events   events tail [--types deploy.*,task.*] [--json]: print the running AUREA's events as they happen (ADMIN_TOKEN)
  mcp      AUREA's MCP server on stdio for a coding agent: relays to the running AUREA's POST /mcp
           (MCP_TOKEN; --url <endpoint>, default http://127.0.0.1:<PORT>/mcp)

Configuration: environment variables (.env is read when present) and aurea.config.yaml (AUREA_CONFIG).`;

async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? 'help';
  if (existsSync('.env')) process.loadEnvFile('.env');
  if (command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (command === 'init') return runInit(argv.slice(1), process.env);
  if (!['demo', 'chat', 'start', 'bot', 'worker', 'migrate', 'doctor', 'pair', 'founders', 'mcp', 'events'].includes(command)) {
    console.error(`aurea: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  if (command === 'demo') {
    const demo = await prepareDemo(process.env);
    try {
      process.stdout.write(demo.intro);
      return await chat(demo.config, { commands: demo.commands, first: demo.first });
    } finally {
      await demo.service.stop();
    }
  }
  const config = loadConfig(process.env, CHANNELS);
  if (command === 'doctor') return runDoctor(config);
  if (command === 'pair') return runPair(config, argv[1]);
  if (command === 'founders') return runFounders(config);
  if (command === 'events') {
    const options = argv[1] === 'tail' ? tailOptions(argv.slice(2)) : 'usage: aurea events tail [--types deploy.*,task.*] [--json]';
    if (typeof options === 'string') {
      console.error(`aurea events: ${options}`);
      return 2;
    }
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    process.once('SIGTERM', () => stop.abort());
    return runEventsTail(config, { ...options, signal: stop.signal });
  }
  if (command === 'mcp') return runMcpRelay(config, argv[1] === '--url' ? argv[2] : undefined);
  if (command === 'migrate') {
    const db = await openDatabase(config);
    try {
      const { applied, total } = await migrate(db.pool);
      console.log(applied.length ? `Applied ${applied.join(', ')} (${total} migrations known).` : `Database is up to date (${total} migrations).`);
    } finally {
      await db.close();
    }
    return 0;
  }
  if (command === 'chat') return chat(config);
  // Pairing codes go to the terminal as a plain line, besides the JSON log on stdout.
  const app = await startAurea(config, ROLES[command as keyof typeof ROLES], { announce: (line) => console.error(line) });
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return; // a second signal (e.g. forwarded by a supervisor) must not cut the drain short
      stopping = true;
      app.core.log.info({ signal }, 'stopping: no new updates, letting running work finish');
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  await app.stop();
  return 0;
}

/**
 * `aurea chat` (and `aurea demo`): everything in this process, logs to <data dir>/aurea.log, the
 * terminal is a channel.
 * @param extra.commands commands of this run only; extra.first lines handled first, as if typed
 */
async function chat(config: Config, extra: { commands?: CommandSpec<any>[]; first?: string[] } = {}): Promise<number> {
  mkdirSync(config.database.dataDir, { recursive: true });
  const logFile = join(config.database.dataDir, 'aurea.log');
  const log = createLogger(config.logLevel, config.secrets, pino.destination({ dest: logFile, sync: true }));
  process.stdout.write(`AUREA is starting (logs: ${logFile})…\n`);
  const app = await startAurea(config, ROLES.start, {
    log,
    console: { input: process.stdin, output: process.stdout },
    announce: (line) => process.stdout.write(`${line}\n`),
    commands: extra.commands,
  });
  const interrupted = new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await Promise.race([app.console!.run(extra.first), interrupted]);
  process.stdout.write('Stopping AUREA…\n');
  await app.stop();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof AureaError) {
      console.error(`aurea: ${err.message}`);
      process.exit(err.code === 'CONFIG_INVALID' ? 2 : 1);
    }
    console.error(`aurea: unexpected failure: ${describeError(err)}`);
    console.error(err);
    process.exit(1);
  },
);
