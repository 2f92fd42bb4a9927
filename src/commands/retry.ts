import type { Core } from '../core.js';
import { route, type RouterDeps } from '../router.js';
import type { CommandSpec } from './registry.js';
import { noArgs } from './registry.js';

/** `/retry`: the last failed voice note of this chat, transcribed again and routed as a voice command. */
export function retryCommand(core: RouterDeps & Pick<Core, 'voice'>): CommandSpec<string[]> {
  return {
    name: 'retry',
    description: 'Transcribe again the last voice note that failed here',
    args: noArgs,
    async run(ctx) {
      const text = await core.voice.retry(ctx);
      if (text) await route(core, { ...ctx, text, origin: 'voice' });
    },
  };
}
