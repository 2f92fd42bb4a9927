import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../src/actor.js';
import type { OutboundMessage } from '../src/channels/port.js';
import { CHANNELS } from '../bots/channels.js';
import { ChannelCatalog } from '../src/channels/catalog.js';
import { CommandRegistry, parseCommandText } from '../src/commands/registry.js';
import { createLogger } from '../src/log.js';
import { createMetrics } from '../src/metrics.js';

const founder: Actor = { platform: 'slack', id: 'U0FOUNDER1', name: 'ada' };
const stranger: Actor = { platform: 'slack', id: 'U0STRANGE1', name: 'eve' };

function registry() {
  const ran: string[] = [];
  const channels = new ChannelCatalog(CHANNELS);
  const r = new CommandRegistry(createMetrics(), createLogger('silent', []), { isFounder: (a) => a.id === founder.id, commandPrefix: (c) => channels.commandPrefix(c) });
  r.add({ name: 'status', aliases: ['s'], description: 'Health', readOnly: true, args: z.array(z.string()).max(0, { error: 'this command takes no arguments' }), run: async () => void ran.push('status') });
  r.add({
    name: 'deploy',
    description: 'Deploy',
    usage: '<service>',
    args: z.tuple([z.string()], { error: 'name the service to deploy' }),
    run: async (_ctx, [svc]) => void ran.push(`deploy ${svc}`),
  });
  r.add({ name: 'ping', description: 'Ping', access: 'anyone', args: z.array(z.string()), run: async () => void ran.push('ping') });
  return { r, ran };
}

function chat(actor: Actor, channel: 'slack' | 'telegram' = 'slack') {
  const replies: string[] = [];
  return {
    replies,
    ctx: { actor, chat: { channel, chatId: 'C1' }, reply: async (m: OutboundMessage) => (replies.push(m.text), { channel, chatId: 'C1', messageId: '1' }) },
  };
}

describe('command registry', () => {
  it('parses /name@bot args', () => {
    expect(parseCommandText('/Deploy@aurea_bot  billing now')).toEqual({ name: 'deploy', args: ['billing', 'now'] });
    expect(parseCommandText('deploy billing')).toBeNull();
  });

  it('runs aliases, and answers unknown commands and bad arguments the way the channel types them', async () => {
    const { r, ran } = registry();
    const c = chat(founder);
    await r.dispatch(c.ctx, 's', []);
    await r.dispatch(c.ctx, 'frob', []);
    await r.dispatch(c.ctx, 'deploy', []);
    expect(ran).toEqual(['status']);
    expect(c.replies).toEqual(["I don't know /aurea frob. Send /aurea help to see what I can do.", 'Usage: /aurea deploy <service>\nname the service to deploy']);
    expect(r.helpText('telegram')).toBe('/status — Health\n/deploy <service> — Deploy\n/ping — Ping');
    expect(r.usageLine()).toBe('status | deploy <service> | ping');
  });

  it("refuses founders-only commands to anyone else, whoever dispatches them; 'anyone' commands run", async () => {
    const { r, ran } = registry();
    const c = chat(stranger, 'telegram');
    await r.dispatch(c.ctx, 'deploy', ['billing']);
    await r.dispatch(c.ctx, 'ping', []);
    expect(ran).toEqual(['ping']);
    expect(c.replies).toEqual(['Sorry, this is a private bot.']);
  });

  it('knows which commands only read: those declared readOnly; an undeclared or unknown command is not', () => {
    const { r } = registry();
    expect(r.isReadOnly('status')).toBe(true);
    expect(r.isReadOnly('/s')).toBe(true);
    expect(r.isReadOnly('deploy billing')).toBe(false);
    expect(r.isReadOnly('/ping')).toBe(false);
    expect(r.isReadOnly('nosuch')).toBe(false);
  });
});
