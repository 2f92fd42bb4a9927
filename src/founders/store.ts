import type pg from 'pg';
import type { Actor } from '../actor.js';

/** A founder who paired with a code (a row of `founders`). */
export interface PairedFounder {
  platform: string;
  userId: string;
  name: string;
  pairedAt: Date;
}

/** The `founders` table (migration 0012): founders who claimed the bot with a pairing code. */
export class FounderStore {
  constructor(private readonly db: pg.Pool) {}

  /** Every paired founder, oldest first. */
  async list(): Promise<PairedFounder[]> {
    const res = await this.db.query<{ platform: string; user_id: string; name: string; paired_at: Date }>(
      'SELECT platform, user_id, name, paired_at FROM founders ORDER BY paired_at, platform, user_id',
    );
    return res.rows.map((r) => ({ platform: r.platform, userId: r.user_id, name: r.name, pairedAt: r.paired_at }));
  }

  /** Stores `actor` as a founder (a second pairing of the same person keeps the first date). */
  async add(actor: Actor): Promise<void> {
    await this.db.query('INSERT INTO founders (platform, user_id, name) VALUES ($1, $2, $3) ON CONFLICT (platform, user_id) DO NOTHING', [
      actor.platform,
      actor.id,
      actor.name,
    ]);
  }

  /** Removes a paired founder. @returns whether there was one */
  async remove(platform: string, userId: string): Promise<boolean> {
    const res = await this.db.query('DELETE FROM founders WHERE platform = $1 AND user_id = $2', [platform, userId]);
    return (res.rowCount ?? 0) > 0;
  }
}
