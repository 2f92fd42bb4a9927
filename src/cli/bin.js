#!/usr/bin/env node
// The `aurea` command. Runs the compiled JavaScript in dist/ (built by `npm run build`, which
// `npm ci` runs through the `prepare` script), or the TypeScript sources through tsx's loader when
// there is no build or a source file is newer than it (while developing).
import { builtIsCurrent } from './stamp.js';

if (builtIsCurrent()) {
  await import(new URL('../../dist/src/cli/main.js', import.meta.url).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./main.ts');
}
