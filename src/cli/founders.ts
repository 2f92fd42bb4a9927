import { ChannelCatalog } from '../channels/catalog.js';
import type { Config } from '../config.js';
import { openDatabase } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { AureaError } from '../errors.js';
import { FounderDirectory } from '../founders/directory.js';
import { PairingCodes } from '../founders/pairing.js';
import { FounderStore } from '../founders/store.js';
import { founderLine } from '../founders/unpair.js';
import { createLogger } from '../log.js';
import { CHANNELS } from '../main.js';
import { connectRedis, createRedis } from '../redis.js';

/** The channels one pairs with, as `aurea pair` takes them: `a|b`. */
export const pairable = (): string => CHANNELS.filter((d) => d.pairingHint).map((d) => d.name).join('|');

/**
 * `aurea pair <channel>`: issues a fresh pairing code for the channel (the previous one stops
 * working) and prints what to send. Works while AUREA runs: codes live in Redis.
 * @returns exit code (2 for a channel that does not pair or is not configured)
 * @throws AureaError REDIS_UNAVAILABLE when Redis does not answer (its message says what to do)
 */
export async function runPair(config: Config, channel: string | undefined, print: (line: string) => void = console.log): Promise<number> {
  const declaration = CHANNELS.find((d) => d.name === channel && d.pairingHint);
  if (!declaration) {
    print(`Usage: aurea pair ${pairable()}`);
    return 2;
  }
  if (!declaration.configured(config)) {
    print(`${declaration.name} is not configured: set ${declaration.configKeys[0]} (aurea init asks for it).`);
    return 2;
  }
  const redis = createRedis(config.redis.url, 'app');
  try {
    await connectRedis(config, redis);
    const pairing = new PairingCodes(redis, config.redis.prefix, config.pairing.codeTtlMs);
    const { code } = await pairing.issue(declaration.name);
    print(`Send ${await declaration.pairingHint!(config, code)} within ${Math.round(pairing.ttlMs / 60_000)} minutes: whoever sends it first becomes a founder.`);
    return 0;
  } finally {
    redis.disconnect();
  }
}

/**
 * `aurea founders`: every founder, with where each comes from (a setting, or a pairing code).
 * @throws AureaError DATABASE_LOCKED while an AUREA on the embedded database runs (the message says to ask it with /founders)
 */
export async function runFounders(config: Config, print: (line: string) => void = console.log): Promise<number> {
  let db;
  try {
    db = await openDatabase(config);
  } catch (err) {
    if (err instanceof AureaError && err.code === 'DATABASE_LOCKED') throw new AureaError('DATABASE_LOCKED', `${err.message} Ask the running AUREA with /founders in a chat.`);
    throw err;
  }
  try {
    await migrate(db.pool);
    const directory = new FounderDirectory(config, new ChannelCatalog(CHANNELS), new FounderStore(db.pool), createLogger('silent', []));
    await directory.refresh();
    const entries = directory.entries();
    print(entries.length ? entries.map(founderLine).join('\n') : `No founders yet: \`aurea pair ${pairable()}\` prints a code to claim the bot.`);
    return 0;
  } finally {
    await db.close();
  }
}
