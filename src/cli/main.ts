import { existsSync } from 'node:fs';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { AureaError, describeError } from '../errors.js';
import { ROLES, startAurea } from '../main.js';
import { runDoctor } from './doctor.js';

const USAGE = `Usage: aurea <command>

  start    run everything in one process (HTTP server, Telegram bot, scheduled agents)
  bot      run the HTTP server and the chat bot only (needs DATABASE_URL)
  worker   run the scheduled agents only (needs DATABASE_URL; scale out with more workers)
  migrate  apply database migrations and exit
  doctor   show what is configured and what answers; exit 1 when something required is missing

Configuration: environment variables (.env is read when present) and aurea.config.yaml (AUREA_CONFIG).`;

async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? 'help';
  if (existsSync('.env')) process.loadEnvFile('.env');
  if (command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return 0;
  }
  if (!['start', 'bot', 'worker', 'migrate', 'doctor'].includes(command)) {
    console.error(`aurea: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  const config = loadConfig(process.env);
  if (command === 'doctor') return runDoctor(config);
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
  const app = await startAurea(config, ROLES[command as keyof typeof ROLES]);
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
