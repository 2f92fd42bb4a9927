import type { User } from 'grammy/types';
import type { Actor } from '../../src/actor.js';

/** The Actor for a Telegram user: id = Telegram user id, name = full name (or @username). */
export function telegramActor(user: User): Actor {
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ') || (user.username ? `@${user.username}` : String(user.id));
  return { platform: 'telegram', id: String(user.id), name };
}
