import type pg from 'pg';

/**
 * Runs `work` in one transaction on one client: committed when it resolves, rolled back when it
 * throws (the error is rethrown). `work` must use the client it is given, never the pool: on the
 * embedded database the pool has one client, which this transaction holds.
 * @returns what `work` returned
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
