import { z } from 'zod';
import { audit } from '../audit/log.js';
import type { Core } from '../core.js';
import { formatDuration } from '../duration.js';
import { AureaError } from '../errors.js';
import { MEMORY_TYPES, type MemoryType } from '../memory/service.js';
import type { CommandSpec } from './registry.js';

const text = (what: string) => z.array(z.string()).min(1, { error: what });
const TYPE_PREFIX = new RegExp(`^(${MEMORY_TYPES.join('|')}):\\s*`, 'i');

/** `/remember [type:] <text>`: stores a memory (a near-duplicate updates the existing one). */
export function rememberCommand(core: Pick<Core, 'memory' | 'db'>): CommandSpec<string[]> {
  return {
    name: 'remember',
    description: 'Remember something (start with decision:, error:, solution:, learning:, experience: or insight:)',
    usage: '<text>',
    args: text('say what to remember, e.g. /remember decision: billing moves to Stripe Tax in March'),
    async run(ctx, words) {
      const raw = words.join(' ');
      const prefix = TYPE_PREFIX.exec(raw);
      const type = (prefix?.[1]?.toLowerCase() ?? 'insight') as MemoryType;
      const { memory, merged } = await core.memory.remember({
        content: prefix ? raw.slice(prefix[0].length) : raw,
        type,
        source: `${ctx.actor.platform}:${ctx.actor.id}`,
      });
      await audit(core.db.pool, ctx.actor, merged ? 'memory.updated' : 'memory.remembered', `memory:${memory.id}`, { type });
      await ctx.reply({ text: merged ? `🧠 Updated memory #${memory.id} (it said nearly the same).` : `🧠 Remembered as #${memory.id} (${type}).` });
    },
  };
}

/** `/recall <query>`: the top 5 memories with type, age and score. */
export function recallCommand(core: Pick<Core, 'memory'>): CommandSpec<string[]> {
  return {
    name: 'recall',
    readOnly: true,
    description: 'Search long-term memory',
    usage: '<query>',
    args: text('say what to look for, e.g. /recall why did billing go down'),
    async run(ctx, words) {
      const found = await core.memory.recall(words.join(' '), 5);
      if (!found.length) {
        await ctx.reply({ text: 'Nothing in memory matches that.' });
        return;
      }
      const now = Date.now();
      await ctx.reply({
        title: `Memories for “${words.join(' ')}”`,
        text: found.map((m) => `#${m.id} · ${m.memory_type} · ${formatDuration(now - m.created_at.getTime())} ago · score ${m.score.toFixed(4)}\n${m.content}`).join('\n\n'),
      });
    },
  };
}

/** `/forget <id>`: deletes a memory (audited, with its content). */
export function forgetCommand(core: Pick<Core, 'memory' | 'db'>): CommandSpec<[string]> {
  return {
    name: 'forget',
    description: 'Delete a memory by its number',
    usage: '<id>',
    args: z.tuple([z.string().regex(/^#?\d{1,18}$/, { error: 'give the memory number shown by /recall, e.g. /forget 12' })], {
      error: 'give the memory number shown by /recall, e.g. /forget 12',
    }),
    async run(ctx, [id]) {
      const gone = await core.memory.forget(id.replace('#', ''));
      if (!gone) throw new AureaError('INVALID_ARGUMENTS', `There is no memory #${id.replace('#', '')}.`);
      await audit(core.db.pool, ctx.actor, 'memory.forgotten', `memory:${gone.id}`, { type: gone.memory_type, content: gone.content.slice(0, 500) });
      await ctx.reply({ text: `🗑 Forgot memory #${gone.id}.` });
    },
  };
}
