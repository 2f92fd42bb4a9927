import { Composer } from 'grammy';
import { handleApprovalTap } from '../../../src/approvals/tap.js';
import type { Core } from '../../../src/core.js';
import { telegramActor } from '../actor.js';

/** Approve/Reject taps: decided by the shared approval path, answered with answerCallbackQuery. */
export function approvalsFeature(core: Pick<Core, 'approvals' | 'tasks' | 'resumers'>) {
  const composer = new Composer();
  composer.on('callback_query:data', async (ctx) => {
    const answer = await handleApprovalTap(core, ctx.callbackQuery.data, telegramActor(ctx.from));
    await ctx.answerCallbackQuery({ text: answer });
  });
  composer.on('callback_query', (ctx) => ctx.answerCallbackQuery());
  return composer;
}
