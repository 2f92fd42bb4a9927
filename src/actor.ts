import { cleanText } from './text/clean.js';

/** Who did something: a person on a chat platform, or AUREA itself. */
export interface Actor {
  /** A channel's name (`telegram`), or `system` for AUREA itself. */
  platform: string;
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

/** The actor with an id and name that can be stored (platform names may hold NUL or half an emoji). */
export function cleanActor(actor: Actor): Actor {
  return { ...actor, id: cleanText(actor.id), name: cleanText(actor.name) };
}
