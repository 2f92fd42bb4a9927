import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { actorKey, type Actor } from '../actor.js';
import { defineApprovalKind } from '../approvals/kind.js';
import { audit } from '../audit/log.js';
import type { Core } from '../core.js';
import { AureaError } from '../errors.js';
import type { FounderEntry } from './directory.js';

/**
 * Removing a paired founder (`/unpair`). It is about that founder, so they cannot decide it
 * themselves (neither 🔒 Remove nor ✋ Keep): another founder must. Approved, it removes the row,
 * audits `founder.unpaired` and tells the founders.
 */
export const UNPAIR_APPROVAL = defineApprovalKind({
  kind: 'unpair',
  payload: z.strictObject({ platform: z.string(), userId: z.string(), name: z.string() }),
  subject: (p) => actorKey({ platform: p.platform, id: p.userId, name: p.name }),
  async resume(approval, decider, core: Pick<Core, 'founders' | 'broadcaster' | 'db'>) {
    if (approval.status !== 'approved') return;
    const p = approval.payload;
    const removed = await core.founders.remove(p.platform, p.userId);
    if (removed) await audit(core.db.pool, decider, 'founder.unpaired', `founder:${actorKey({ platform: p.platform, id: p.userId, name: p.name })}`, {});
    await core.broadcaster.broadcast({
      text: removed ? `🔒 ${p.name} (${p.platform} ${p.userId}) is no longer a founder (approved by ${decider.name}).` : `${p.name} was no longer a founder; nothing changed.`,
    });
  },
  answer: (a) => (a.status === 'approved' ? 'Removing…' : 'Kept: still a founder.'),
});

type UnpairPayload = ReturnType<typeof UNPAIR_APPROVAL.parse>;

/** One founder as a line of /founders and `aurea founders`. */
export function founderLine(f: FounderEntry): string {
  return `• ${f.platform} ${f.userId}${f.name ? ` (${f.name})` : ''}: ${f.from === 'pairing' ? `paired${f.pairedAt ? ` on ${f.pairedAt.toISOString().slice(0, 10)}` : ''}` : `from ${f.from}`}`;
}

/**
 * Asks every founder to approve removing a paired founder (`/unpair <id>`; `telegram:123` picks the
 * platform when ids could clash).
 * @returns the founder it asks about
 * @throws AureaError INVALID_ARGUMENTS when `who` is not a paired founder (a configured founder is
 *   removed from the setting that names them, which the message says)
 */
export async function requestUnpair(core: Pick<Core, 'founders' | 'approvals' | 'config'>, actor: Actor, who: string): Promise<UnpairPayload> {
  const [platform, userId] = who.includes(':') ? (who.split(':', 2) as [string, string]) : [undefined, who];
  const configured = core.founders.entries().find((f) => f.from !== 'pairing' && f.userId === userId && (!platform || f.platform === platform));
  if (configured) {
    throw new AureaError('INVALID_ARGUMENTS', `${configured.platform} ${userId} is a founder by ${configured.from}, not by pairing: remove the id there and restart AUREA.`);
  }
  const paired = core.founders.pairedFounder(userId, platform);
  if (!paired) throw new AureaError('INVALID_ARGUMENTS', `${who} is not a paired founder. /founders lists them.`);
  const payload = { platform: paired.platform, userId: paired.userId, name: paired.name };
  await core.approvals.request(UNPAIR_APPROVAL, {
    threadId: `unpair:${paired.platform}:${paired.userId}:${randomUUID()}`,
    requestedBy: actor,
    expiresInMs: core.config.deploy.approvalTimeoutMs,
    payload,
    title: `Remove ${paired.name} as a founder?`,
    text: `${paired.name} (${paired.platform} ${paired.userId}) paired on ${paired.pairedAt.toISOString().slice(0, 10)}. They will be refused like any stranger from then on. Requested by ${actor.name}.`,
    labels: { approve: '🔒 Remove', reject: '✋ Keep' },
  });
  return payload;
}
