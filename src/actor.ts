/** Who did something: a person on a chat platform, or AUREA itself. */
export interface Actor {
  platform: 'telegram' | 'slack' | 'console' | 'system';
  /** Platform user id (Telegram numeric id as text, Slack U…), or a system component name. */
  id: string;
  /** Display name for messages ("Ada Lovelace", "@ada"). */
  name: string;
}

/** The audit/decision form of an actor: `telegram:123456`. */
export function actorKey(actor: Actor): string {
  return `${actor.platform}:${actor.id}`;
}

export const SYSTEM: Actor = { platform: 'system', id: 'aurea', name: 'AUREA' };
