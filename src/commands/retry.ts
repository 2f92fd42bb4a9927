import type { Core } from '../core.js';
import type { CommandSpec } from './registry.js';
import { noArgs } from './registry.js';

export function retryCommand(core: Core): CommandSpec<string[]> {
  return {
    name: 'retry',
    description: 'Transcribe again the last voice note that failed here',
    args: noArgs,
    async run(ctx) {
      await core.voice.retry(core, ctx);
    },
  };
}
