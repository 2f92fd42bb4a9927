#!/usr/bin/env node
// The `aurea` command. AUREA runs its TypeScript sources directly through tsx's loader, so there is
// no build output to keep in step; `npm run build` only type-checks.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
