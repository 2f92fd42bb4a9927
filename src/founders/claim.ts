import { actorKey } from '../actor.js';
import { audit } from '../audit/log.js';
import type { ChannelName, MessageRef, OutboundMessage } from '../channels/port.js';
import type { Actor } from '../actor.js';
import type { Core } from '../core.js';
import { PAIRING_ATTEMPTS, PAIRING_ATTEMPTS_ALL, type PairingOutcome } from './pairing.js';

export type ClaimDeps = Pick<Core, 'founders' | 'pairing' | 'db' | 'log' | 'broadcaster' | 'config' | 'channels'>;

/**
 * Someone who is not a founder sent a pairing code (`/start 482913`). The right code makes them a
 * founder: the founders so far are told, the row is stored and audited (`founder.paired`), and they
 * are welcomed in their chat. A wrong, expired or blocked attempt is audited (`pairing.refused`,
 * and `pairing.blocked` at the fifth) and left to the caller to refuse like any stranger. The
 * twentieth wrong code in an hour from anyone pauses pairing for the hour: audited
 * (`pairing.paused`) and the founders are told.
 * @returns true when they became a founder; never throws for Redis being away (that is a refusal)
 */
export async function claimWithCode(
  core: ClaimDeps,
  said: { actor: Actor; chat: { channel: ChannelName; chatId: string }; reply(message: OutboundMessage): Promise<MessageRef | void> },
  code: string,
): Promise<boolean> {
  const { actor } = said;
  let result: PairingOutcome | null = null;
  try {
    result = await core.pairing.claim(actor, code);
  } catch (err) {
    core.log.warn({ err }, 'pairing: Redis did not answer; the code could not be checked');
  }
  if (result?.outcome === 'accepted') {
    const who = `${actor.name} (${actor.platform} ${actor.id})`;
    await core.broadcaster.broadcast({ text: `🔑 ${who} is now a founder: they sent this AUREA's pairing code. If that was not meant, /unpair ${actor.id}.` });
    await core.founders.add(actor);
    await audit(core.db.pool, actor, 'founder.paired', `founder:${actorKey(actor)}`, { chat: `${said.chat.channel}:${said.chat.chatId}` });
    core.log.info({ platform: actor.platform, userId: actor.id, name: actor.name }, 'pairing: a new founder paired with the code');
    await said.reply({
      text: `✅ Welcome, ${actor.name}: you are now a founder of this AUREA. Alerts and approval requests will arrive in this chat.\n\nSend /help for the commands.`,
    });
    return true;
  }
  const blocked = result?.outcome === 'blocked' || (result?.attempts ?? 0) >= PAIRING_ATTEMPTS;
  const paused = result?.outcome === 'paused' || (result?.all ?? 0) >= PAIRING_ATTEMPTS_ALL;
  await audit(core.db.pool, actor, 'pairing.refused', null, { attempts: result?.attempts ?? null, blocked, paused, redis: result !== null });
  if (result?.outcome === 'wrong' && result.all === PAIRING_ATTEMPTS_ALL) {
    await audit(core.db.pool, actor, 'pairing.paused', null, { for: '1h', wrongCodes: result.all });
    core.log.warn({ wrongCodes: result.all }, `pairing: ${PAIRING_ATTEMPTS_ALL} wrong codes in an hour; pairing is paused for an hour`);
    await core.broadcaster.broadcast({
      text: `🔒 Pairing is paused for an hour: ${PAIRING_ATTEMPTS_ALL} wrong pairing codes arrived within an hour (the last from ${actor.name}, ${actor.platform} ${actor.id}). Someone may be guessing codes. Until it resumes, nobody can become a founder with a code, even the right one.`,
    });
  }
  if (result?.outcome === 'wrong' && result.attempts === PAIRING_ATTEMPTS) {
    await audit(core.db.pool, actor, 'pairing.blocked', null, { for: '1h' });
    core.log.warn({ platform: actor.platform, userId: actor.id, name: actor.name }, `pairing: ${PAIRING_ATTEMPTS} wrong codes; this person is blocked from pairing for an hour`);
  }
  return false;
}

/**
 * At start, for each receiving channel that has no founder yet: issues a pairing code and prints
 * the exact message to send, once, to `print` (the terminal) and the log. Never throws (without
 * Redis it says how to get a code later).
 * @param opened the channels this process receives on
 * @param print where a person reads it (stdout, or the console channel's terminal)
 */
export async function announcePairing(core: ClaimDeps, opened: readonly string[], print: (line: string) => void): Promise<void> {
  for (const declaration of core.channels.declarations) {
    if (!opened.includes(declaration.name) || !declaration.pairingHint || core.founders.hasFounder(declaration.name)) continue;
    try {
      const waiting = await core.pairing.remainingMs(declaration.name);
      let line: string;
      if (waiting > 0) {
        // A code printed by `aurea init` or `aurea pair` is still valid: keep it rather than replace it.
        line = `🔑 ${declaration.name} has no founder yet: send the pairing code \`aurea init\` or \`aurea pair\` printed (valid ${Math.ceil(waiting / 60_000)} more minutes), or run \`aurea pair ${declaration.name}\` for a new one.`;
      } else {
        const { code } = await core.pairing.issue(declaration.name);
        const minutes = Math.round(core.pairing.ttlMs / 60_000);
        line = `🔑 ${declaration.name} has no founder yet: send ${await declaration.pairingHint(core.config, code)} within ${minutes} minutes to become one. (\`aurea pair ${declaration.name}\` prints a new code.)`;
      }
      print(line);
      core.log.info({ channel: declaration.name }, line);
    } catch (err) {
      core.log.warn({ err, channel: declaration.name }, `pairing: could not issue a code; run \`aurea pair ${declaration.name}\` once Redis answers`);
    }
  }
}
