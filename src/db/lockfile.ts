import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseLockedError } from '../errors.js';

const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the embedded database's lockfile (`<dataDir>/aurea.lock`, holding the owner's pid).
 * A lock left by a dead process is taken over.
 * @returns a function that releases the lock
 * @throws DatabaseLockedError (DATABASE_LOCKED) when a live process (or this one) already holds it
 */
export function acquireDataDirLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'aurea.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      heldHere.add(path);
      return () => {
        heldHere.delete(path);
        rmSync(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(path, 'utf8').trim());
      const ours = pid === process.pid && heldHere.has(path);
      if (ours || (pid !== process.pid && Number.isInteger(pid) && pid > 0 && alive(pid))) {
        throw new DatabaseLockedError(
          `The embedded database in ${dataDir} is in use by another AUREA process (pid ${pid}). ` +
            'Stop that process, or set DATABASE_URL to a Postgres server to run several AUREA processes.',
          pid,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new DatabaseLockedError(`Could not take the lock ${path}; remove it if no AUREA process is running.`);
}
