import type { Config } from './config.js';
import type { Actor } from './actor.js';

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
