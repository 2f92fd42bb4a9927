/**
 * The one road for everything a founder says, whichever way it came in: a typed command or free
 * text (Telegram, Slack DM, mention or slash command, console), a voice transcript, or a tool
 * call of the assistant. One function decides: run the command, propose it for a tap, or converse.
 */
import type { Actor } from './actor.js';
import type { ChannelName, MessageRef, OutboundMessage } from './channels/port.js';
import { propose } from './commands/proposals.js';
import { parseCommandText, type CommandRegistry } from './commands/registry.js';
import type { Core } from './core.js';
import { askMcpCall } from './mcp/ask.js';
import { audit } from './audit/log.js';
import { callMcpTool, untrusted } from './mcp/calls.js';
import { toolLabel } from './mcp/servers.js';

/** Where the words came from: the founder's own typing, a voice transcript, or the assistant's tool call. */
export type Origin = 'typed' | 'voice' | 'assistant';

export interface Said {
  actor: Actor;
  chat: { channel: ChannelName; chatId: string };
  /** `/deploy billing`, `deploy billing` (a command's name first), or free text. */
  text: string;
  origin: Origin;
  /** Where answers go. */
  reply(message: OutboundMessage): Promise<MessageRef | void>;
  /** Where a proposal is shown when answers go elsewhere (the assistant's captured tool output); default `reply`. */
  proposeIn?(message: OutboundMessage): Promise<MessageRef | void>;
}

/** What the router did: ran a command, proposed it for a tap, or handed the words to the assistant. */
export type Routed = 'ran' | 'proposed' | 'conversed';

export type RouterDeps = Pick<Core, 'commands' | 'approvals' | 'config' | 'assistant' | 'memory' | 'broadcaster' | 'mcp' | 'db'>;

/** How a proposal is introduced, by origin (voice notes and the assistant's calls need a tap). */
const PROPOSAL = {
  voice: { title: 'Run this voice command?', status: 'Voice commands that change things need a tap.' },
  assistant: { title: 'Run this?', status: 'Proposed by the assistant; nothing runs without your tap.' },
} as const;

/**
 * Reads command text: `/name args`, or `name args` when `name` is a registered command.
 * @returns the command's name (lowercase) and argument words, or null for free text
 */
export function readCommand(commands: Pick<CommandRegistry, 'has'>, text: string): { name: string; args: string[] } | null {
  const trimmed = text.trim();
  const firstWord = trimmed.split(/\s+/)[0]?.toLowerCase() ?? '';
  return parseCommandText(trimmed.startsWith('/') ? trimmed : commands.has(firstWord) ? `/${trimmed}` : '');
}

/**
 * Decides what to do with what a founder said (the caller has admitted them, src/inbound.ts):
 * - a command typed by the founder, or a read-only command from anywhere → run (the registry
 *   checks access and arguments);
 * - any other command from a voice note or the assistant (`remember`, `pause`, `deploy`: whatever
 *   is not declared `readOnly`) → proposed with ▶ Run it / ✖ Cancel
 *   (a `command` approval, src/commands/proposals.ts); nothing runs without a founder's tap;
 * - anything else → the assistant, whose tool calls and model-free intents come back here (an
 *   intent keeps the origin of the words it was read from).
 * Never throws for a command's failure (the registry answers it); rejects only if `reply` does.
 */
export async function route(deps: RouterDeps, said: Said): Promise<Routed> {
  const command = readCommand(deps.commands, said.text);
  if (!command && said.origin === 'assistant') {
    await said.reply({ text: `There is no command "${said.text.split(/\s+/)[0]}".` });
    return 'ran';
  }
  if (!command) {
    await deps.assistant.answer(deps, said, {
      tool: (text, capture) => route(deps, { ...said, text, origin: 'assistant', reply: capture, proposeIn: said.proposeIn ?? said.reply }),
      mcp: (call) => routeMcpCall(deps, { ...said, reply: said.proposeIn ?? said.reply }, call),
      intent: (text) => route(deps, { ...said, text }),
    });
    return 'conversed';
  }
  if (said.origin !== 'typed' && !deps.commands.isReadOnly(command.name)) {
    await propose(deps, {
      actor: said.actor,
      chat: said.chat,
      command: [command.name, ...command.args].join(' '),
      ...PROPOSAL[said.origin],
      reply: said.proposeIn ?? said.reply,
    });
    return 'proposed';
  }
  await deps.commands.dispatch({ actor: said.actor, chat: said.chat, reply: said.reply }, command.name, command.args);
  return 'ran';
}

/**
 * An MCP tool call of the assistant, decided by the tool's policy (src/mcp/servers.ts `policyOf`):
 * `allow` → called now; `deny` → refused (audited); `ask` → an `mcp-call` approval shown in the
 * chat (src/mcp/ask.ts), and the call runs only on the founder's ✅ Allow once.
 * @returns what the model is told: the result (marked untrusted), or that it was refused or asked
 */
export async function routeMcpCall(deps: RouterDeps, said: Omit<Said, 'origin' | 'text'>, call: { server: string; tool: string; args: Record<string, unknown> }): Promise<string> {
  const label = toolLabel({ server: call.server, name: call.tool });
  const tool = await deps.mcp.findTool(call.server, call.tool);
  if (!tool) return `There is no tool ${label} (or its server is down).`;
  const { policy, policyFrom } = await deps.mcp.policy(tool);
  if (policy === 'deny') {
    await audit(deps.db.pool, said.actor, 'mcp.refused', `mcp:${label}`, { reason: 'policy deny' });
    return `${label} is denied by the configuration (mcp.servers.${call.server}.tools.${call.tool}: deny); it was not run.`;
  }
  if (policy === 'ask') {
    // ♾ Always allow is offered only where the default asked: what the configuration says stands.
    await askMcpCall(deps, { actor: said.actor, chat: said.chat, server: call.server, tool: call.tool, args: call.args, offerAlways: policyFrom === 'default', reply: said.reply });
    return `Asked the founder to allow ${label} with these arguments; it has NOT run. If they allow it, its result is posted in the chat.`;
  }
  const outcome = await callMcpTool(deps, { server: call.server, tool: call.tool, args: call.args, requester: said.actor });
  return untrusted(`mcp:${label}`, outcome.ok ? outcome.text : `(error) ${outcome.text}`);
}
