import { z } from 'zod';
import type { Actor } from '../actor.js';
import type { ChannelName, MessageRef, OutboundMessage } from '../channels/port.js';
import { REFUSAL_TEXT } from '../access.js';
import { AureaError, asAureaError, describeError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';

/** What a command handler gets: who asked, where, and how to answer there. */
export interface CommandContext {
  actor: Actor;
  chat: { channel: ChannelName; chatId: string };
  reply(message: OutboundMessage): Promise<MessageRef | void>;
}

/**
 * A command, declared once for every channel. `args` validates the whitespace-separated words after
 * the command name (`/deploy billing` → `["billing"]`).
 */
export interface CommandSpec<A = unknown> {
  name: string;
  /** Other names that run it (`/s` for `/status`); not listed in menus. */
  aliases?: string[];
  description: string;
  /** Argument synopsis for help and errors: `<service>`. */
  usage?: string;
  args: z.ZodType<A, string[]>;
  /** Who may run it: `founders` (the default) or `anyone` who can reach the bot. */
  access?: 'founders' | 'anyone';
  /**
   * Only reads (status, recall, …): from a voice note or the assistant it runs directly, and agents
   * may run it as a tool (CommandRegistry.runReadOnly). Unset, a command is taken to change the
   * world: given by voice or proposed by the assistant it waits for a ▶ Run it tap, so a new
   * command is safe by default.
   */
  readOnly?: boolean;
  run(ctx: CommandContext, args: A): Promise<void>;
}

/** No arguments allowed. */
export const noArgs = z.array(z.string()).max(0, { error: 'this command takes no arguments' });

/** Splits `/deploy@aurea_bot  billing now` into name `deploy` and args `["billing","now"]`. */
export function parseCommandText(text: string): { name: string; args: string[] } | null {
  const m = /^\/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!m) return null;
  return { name: m[1]!.toLowerCase(), args: (m[2] ?? '').split(/\s+/).filter(Boolean) };
}

export class CommandRegistry {
  private readonly commands = new Map<string, CommandSpec<any>>();
  private readonly aliases = new Map<string, string>();

  /**
   * @param channels.isFounder decides `access: 'founders'`; checked at dispatch whatever the caller,
   *   so a command is guarded even when reached other than through a chat (e.g. a tool call)
   * @param channels.commandPrefix how commands are typed on a channel (`/`, `/aurea `), from its declaration
   */
  constructor(
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly channels: { isFounder(actor: Actor): boolean; commandPrefix(channel: ChannelName): string },
  ) {}

  /** How a command is typed on `channel`: `/status` on Telegram and the console, `/aurea status` on Slack. */
  prefix(channel: ChannelName): string {
    return this.channels.commandPrefix(channel);
  }

  add<A>(spec: CommandSpec<A>): this {
    this.commands.set(spec.name, spec);
    for (const alias of spec.aliases ?? []) this.aliases.set(alias, spec.name);
    return this;
  }

  has(name: string): boolean {
    return this.commands.has(name) || this.aliases.has(name);
  }

  /** Whether `text` (`status`, `/recall billing`) names a read-only command; anything else (unknown names included) is not. */
  isReadOnly(text: string): boolean {
    const name = text.trim().replace(/^\//, '').split(/\s+/)[0]?.toLowerCase() ?? '';
    return Boolean(this.commands.get(this.aliases.get(name) ?? name)?.readOnly);
  }

  list(): CommandSpec<unknown>[] {
    return [...this.commands.values()];
  }

  /** `/deploy <service> — Test, ask …` lines for /help, written the way `channel` types commands. */
  helpText(channel: ChannelName): string {
    return this.list()
      .map((c) => `${this.synopsis(c, channel)} — ${c.description}`)
      .join('\n');
  }

  /** `/deploy <service>` (Telegram, console) or `/aurea deploy <service>` (Slack). */
  synopsis(spec: CommandSpec<unknown>, channel: ChannelName): string {
    return `${this.prefix(channel)}${spec.name}${spec.usage ? ` ${spec.usage}` : ''}`;
  }

  /** Every command with its arguments on one line, as a slash command's usage hint shows them: `status | agents | deploy <service> | …`. */
  usageLine(): string {
    return this.list()
      .map((c) => `${c.name}${c.usage ? ` ${c.usage}` : ''}`)
      .join(' | ');
  }

  /** The names of the read-only commands (the tools a declarative agent may use). */
  readOnlyNames(): string[] {
    return [...this.commands.values()].filter((c) => c.readOnly).map((c) => c.name);
  }

  /**
   * Runs a read-only command for an agent (AUREA itself: no chat, no founder check, since it changes
   * nothing) and returns what it would have said, title, text and status joined by newlines.
   * @throws AureaError INVALID_ARGUMENTS for an unknown command or one that is not read-only
   */
  async runReadOnly(name: string, args: string[], actor: Actor): Promise<string> {
    const spec = this.commands.get(this.aliases.get(name) ?? name);
    if (!spec?.readOnly) throw new AureaError('INVALID_ARGUMENTS', `"${name}" is not a read-only command; agents may use: ${this.readOnlyNames().join(', ')}.`);
    const said: string[] = [];
    const ctx: CommandContext = { actor, chat: { channel: 'agent', chatId: actor.id }, reply: async (m) => void said.push([m.title, m.text, m.status].filter(Boolean).join('\n')) };
    const parsed = spec.args.safeParse(args);
    if (!parsed.success) return `Usage: ${this.synopsis(spec, 'console')}\n${parsed.error.issues[0]?.message ?? 'invalid arguments'}`;
    try {
      await spec.run(ctx, parsed.data);
      this.metrics.commands.inc({ command: spec.name, outcome: 'ok' });
    } catch (err) {
      this.metrics.commands.inc({ command: spec.name, outcome: 'error' });
      said.push(asAureaError(err)?.message ?? `${spec.name} failed: ${describeError(err)}`);
    }
    return said.join('\n\n') || '(no output)';
  }

  /**
   * Runs a command. Unknown names and invalid arguments are answered with what was expected and run
   * nothing. Handler errors are answered with the AureaError's message, or a generic line (details
   * go to the log only).
   */
  async dispatch(ctx: CommandContext, name: string, args: string[]): Promise<void> {
    const spec = this.commands.get(this.aliases.get(name) ?? name);
    if (!spec) {
      this.metrics.commands.inc({ command: 'unknown', outcome: 'unknown' });
      const p = this.prefix(ctx.chat.channel);
      await ctx.reply({ text: `I don't know ${p}${name}. Send ${p}help to see what I can do.` });
      return;
    }
    if ((spec.access ?? 'founders') === 'founders' && !this.channels.isFounder(ctx.actor)) {
      this.metrics.commands.inc({ command: spec.name, outcome: 'refused' });
      await ctx.reply({ text: REFUSAL_TEXT });
      return;
    }
    const parsed = spec.args.safeParse(args);
    if (!parsed.success) {
      this.metrics.commands.inc({ command: spec.name, outcome: 'invalid' });
      const why = parsed.error.issues[0]?.message ?? 'invalid arguments';
      await ctx.reply({ text: `Usage: ${this.synopsis(spec, ctx.chat.channel)}\n${why}` });
      return;
    }
    try {
      await spec.run(ctx, parsed.data);
      this.metrics.commands.inc({ command: spec.name, outcome: 'ok' });
    } catch (err) {
      const known = asAureaError(err);
      this.metrics.commands.inc({ command: spec.name, outcome: 'error' });
      this.log.error({ err, command: spec.name }, 'command failed');
      await ctx.reply({ text: known ? known.message : `${this.prefix(ctx.chat.channel)}${spec.name} failed unexpectedly; the details are in AUREA's log.` });
    }
  }
}
