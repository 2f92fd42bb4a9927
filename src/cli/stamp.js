// Whether dist/ holds a build of the current sources: the stamp dist/.built (written by build.js)
// is at least as new as every .ts and .sql file under the source folders. Read by bin.js (run the
// build, or the sources through tsx) and build.js (nothing to do).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const stamp = `${root}dist/.built`;

/** Newest modification time (ms) of the .ts and .sql files under the source folders. */
function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') || entry.name.endsWith('.sql')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of ['src', 'bots', 'graphs', 'jobs']) if (existsSync(`${root}${dir}`)) walk(`${root}${dir}`);
  return newest;
}

/** True when dist/ is a build of the sources as they are now. */
export function builtIsCurrent() {
  return existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource();
}
