import type pg from 'pg';

/** Who holds a service: a graph thread, in words, since when. */
export interface Lease {
  service: string;
  /** The graph thread that holds it. */
  holder: string;
  /** The holder in words: `task #3`, `the deploy Ada asked for`. */
  what: string;
  since: Date;
}

/**
 * One lease per service (`service_leases`; this is its one owner): a deploy, a task's deploy and a
 * rollback of the same service never overlap. Whoever changes a service takes its lease first and
 * gives it back when its run ends; a run that finds it taken waits (its graph job is re-queued with
 * a delay) and its founder is told who holds it.
 */
export class ServiceLeases {
  constructor(private readonly db: pg.Pool) {}

  /**
   * Takes the lease of `service` for `holder`, or keeps it when `holder` has it already (a resumed
   * run). One statement: two runs racing for a free service cannot both win.
   * @returns null when `holder` holds it now, else the lease of whoever does
   */
  async acquire(service: string, holder: string, what: string): Promise<Lease | null> {
    const taken = await this.db.query(
      `INSERT INTO service_leases (service, holder, what) VALUES ($1, $2, $3)
       ON CONFLICT (service) DO UPDATE SET what = EXCLUDED.what WHERE service_leases.holder = EXCLUDED.holder
       RETURNING holder`,
      [service, holder, what],
    );
    if (taken.rowCount) return null;
    const { rows } = await this.db.query<Lease>('SELECT * FROM service_leases WHERE service = $1', [service]);
    // Released between the two statements: try once more.
    return rows[0] ?? (await this.acquire(service, holder, what));
  }

  /** Gives back whatever `holder` holds (at a run's end, or when its job failed for good). */
  async releaseAll(holder: string): Promise<void> {
    await this.db.query('DELETE FROM service_leases WHERE holder = $1', [holder]);
  }

  /** Who holds `service`, if anyone. */
  async holderOf(service: string): Promise<Lease | null> {
    const { rows } = await this.db.query<Lease>('SELECT * FROM service_leases WHERE service = $1', [service]);
    return rows[0] ?? null;
  }
}
