import { z } from 'zod';
import type { Core } from '../core.js';
import { founderLine, requestUnpair } from '../founders/unpair.js';
import { noArgs, type CommandSpec } from './registry.js';

/** `/founders`: who may use AUREA, and where each comes from (a setting or a pairing code). */
export function foundersCommand(core: Pick<Core, 'founders'>): CommandSpec<string[]> {
  return {
    name: 'founders',
    description: 'Who may use AUREA, and where each founder comes from',
    args: noArgs,
    readOnly: true,
    async run(ctx) {
      const entries = core.founders.entries();
      await ctx.reply({
        title: `Founders (${entries.length})`,
        text: entries.length ? entries.map(founderLine).join('\n') : 'None yet: `aurea pair <channel>` prints a code to claim the bot.',
      });
    },
  };
}

/** `/unpair <id>`: removes a founder who paired with a code, behind an approval. */
export function unpairCommand(core: Pick<Core, 'founders' | 'approvals' | 'config'>): CommandSpec<[string]> {
  return {
    name: 'unpair',
    description: 'Remove a paired founder (asks for approval)',
    usage: '<user id>',
    args: z.tuple([z.string()], { error: 'name the founder to remove, e.g. /unpair 123456789 (see /founders)' }),
    async run(ctx, [who]) {
      const f = await requestUnpair(core, ctx.actor, who);
      await ctx.reply({ text: `🔒 Asked for approval to remove ${f.name} (${f.platform} ${f.userId}) as a founder.` });
    },
  };
}
