import { existsSync, readFileSync } from 'node:fs';

/** The non-empty lines of a file, or none when it does not exist. */
export function readLines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').filter(Boolean) : [];
}
