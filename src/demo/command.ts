import { rmSync, writeFileSync, existsSync } from 'node:fs';
import { DIAGNOSE } from '../alerts/service.js';
import { join } from 'node:path';
import { z } from 'zod';
import type { CommandSpec } from '../commands/registry.js';

/**
 * `demo break` / `demo fix` (only in `aurea demo`): makes the deployed demo service answer 503 on
 * /health (a BROKEN file in its deployed copy), or healthy again. A deploy or a rollback also
 * replaces the deployed copy, so either heals it, as it would a real service.
 * @param live the demo's deployed copy (`<data dir>/demo/live`)
 */
export function demoCommand(live: string): CommandSpec<['break' | 'fix']> {
  return {
    name: 'demo',
    description: 'Break or fix the demo service (demo break | demo fix)',
    usage: 'break|fix',
    args: z.tuple([z.enum(['break', 'fix'])], { error: 'say demo break or demo fix' }),
    async run(ctx, [what]) {
      const broken = join(live, 'BROKEN');
      if (what === 'break') {
        writeFileSync(broken, 'broken on purpose by `demo break`\n');
        await ctx.reply({
          text: `💥 The demo service now answers 503 on /health. The monitor looks every 5 s: after two failed checks a down alert arrives with ${DIAGNOSE.label}. \`demo fix\`, a deploy or a rollback heals it.`,
        });
        return;
      }
      const was = existsSync(broken);
      rmSync(broken, { force: true });
      await ctx.reply({ text: was ? '🩹 The demo service is healthy again; the monitor will say it is back.' : 'The demo service was not broken.' });
    },
  };
}
