import type { ChannelDeclaration } from '../../src/channels/declaration.js';
import { createConsole } from './index.js';

/** The terminal of `aurea chat`: whoever runs the process owns it, so they are a founder. */
export const terminal: ChannelDeclaration = {
  name: 'console',
  commandPrefix: '/',
  configured: () => false,
  isFounder: () => true,
  configuredFounders: () => [],
  configKeys: [],
  async open(deps, how) {
    if (!how.terminal) return null;
    const adapter = createConsole(deps, how.terminal);
    return { channel: adapter.channel, session: adapter, stop: async () => adapter.close() };
  },
};
