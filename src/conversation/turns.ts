import type pg from 'pg';
import type { ChannelName } from '../channels/port.js';

/** The recent turns of each chat (`chat_turns`), for conversation context. */
export class ChatTurns {
  constructor(private readonly db: pg.Pool) {}

  async append(chat: { channel: ChannelName; chatId: string }, role: 'user' | 'assistant', content: string): Promise<void> {
    await this.db.query('INSERT INTO chat_turns (channel, chat_id, role, content) VALUES ($1, $2, $3, $4)', [chat.channel, chat.chatId, role, content.slice(0, 8_000)]);
  }

  /** The last `n` turns, oldest first. */
  async recent(chat: { channel: ChannelName; chatId: string }, n = 10): Promise<Array<{ role: 'user' | 'assistant'; content: string }>> {
    const { rows } = await this.db.query<{ role: 'user' | 'assistant'; content: string }>(
      'SELECT role, content FROM chat_turns WHERE channel = $1 AND chat_id = $2 ORDER BY id DESC LIMIT $3',
      [chat.channel, chat.chatId, n],
    );
    return rows.reverse();
  }
}
