import type pg from 'pg';
import type { Config } from './config.js';
import type { Actor } from './actor.js';
import { audit } from './audit/log.js';

/** What a non-founder is told: short, and revealing nothing about the system. */
export const REFUSAL_TEXT = 'Sorry, this is a private bot.';

/** Whether this platform user is an allowlisted founder (aurea.config.yaml founders.* ∪ FOUNDER_*_IDS). */
export function isFounder(config: Config, actor: Actor): boolean {
  switch (actor.platform) {
    case 'telegram':
      return config.telegram.founders.includes(Number(actor.id));
    case 'slack':
      return config.slack.founders.includes(actor.id);
    case 'console':
    case 'system':
      return true;
  }
}

/** Writes the refusal of a non-founder to the audit log. `what` says what they tried ("/status", "button"). */
export async function auditRefusal(db: pg.Pool, actor: Actor, what: string): Promise<void> {
  await audit(db, actor, 'access.refused', null, { attempted: what.slice(0, 200) });
}
