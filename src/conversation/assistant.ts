import type { Actor } from '../actor.js';
import type { ChannelName, MessageRef, OutboundMessage } from '../channels/port.js';
import type { Broadcaster } from '../channels/broadcast.js';
import type { CommandRegistry } from '../commands/registry.js';
import type { Config } from '../config.js';
import type { MemoryService } from '../memory/service.js';
import { asAureaError, describeError } from '../errors.js';
import type { ModelRouter } from '../llm/model-router.js';
import type { ChatMessage, ToolSpec } from '../llm/types.js';
import { scrub } from '../secrets.js';
import type { McpServers } from '../mcp/servers.js';
import { modelToolSpec } from '../mcp/servers.js';
import { parseIntent } from './intent.js';
import { systemPrompt } from './prompt.js';
import type { ChatTurns } from './turns.js';

/** Commands the model may call as tools; all but the read-only ones are turned into a confirmation tap. */
const TOOL_COMMANDS = ['status', 'agents', 'run', 'pause', 'resume', 'schedule', 'recall', 'remember', 'forget', 'deploy', 'task', 'tasks'];
const MAX_ROUNDS = 4;
/** How long an answer waits for an MCP server's tool list (a connected server answers from its cache). */
const MCP_LIST_MS = 3_000;

const NO_MODEL =
  'I can only follow commands for now: no language model is configured. Set ANTHROPIC_API_KEY, OPENAI_API_KEY or GOOGLE_API_KEY ' +
  '(or OLLAMA_BASE_URL for a local model) and restart. Meanwhile, send /help for the commands.';

export interface ConversationInput {
  actor: Actor;
  chat: { channel: ChannelName; chatId: string };
  text: string;
  reply(message: OutboundMessage): Promise<MessageRef | void>;
}

/** How the assistant acts, through the router (src/router.ts) so that it decides in one place. */
export interface AssistantActions {
  /** A tool call, as command text (`status`, `deploy billing`); answers go to `capture`. */
  tool(text: string, capture: (m: OutboundMessage) => Promise<void>): Promise<'ran' | 'proposed' | 'conversed'>;
  /** An MCP tool call (`<server>__<tool>` to the model): run, refused or asked as its policy says; returns what the model is told. */
  mcp(call: { server: string; tool: string; args: Record<string, unknown> }): Promise<string>;
  /** A command read from the words without a model (`/status`), run as the words' origin allows. */
  intent(text: string): Promise<unknown>;
}

export interface ConversationDeps {
  config: Pick<Config, 'secrets' | 'services'>;
  /** The founder's MCP servers: their tools (but those denied) are offered to the model. */
  mcp: Pick<McpServers, 'toolsOf' | 'withPolicies'>;
  commands: Pick<CommandRegistry, 'list' | 'has'>;
  memory: Pick<MemoryService, 'recall'>;
  broadcaster: Pick<Broadcaster, 'typing'>;
}

/**
 * Free text → AUREA's agent: system prompt + recent turns + memories retrieved for the message,
 * with tools mapped to the command registry. Without a model, a deterministic intent parser covers
 * the common requests.
 */
export class Assistant {
  constructor(
    private readonly router: ModelRouter,
    private readonly turns: ChatTurns,
  ) {}

  /**
   * Answers free text in its chat (through `input.reply`); never throws for a model's failure.
   * @param act how tool calls and model-free intents are carried out (the router)
   */
  async answer(core: ConversationDeps, input: ConversationInput, act: AssistantActions): Promise<void> {
    if (!this.router.configured) {
      const intent = parseIntent(input.text);
      if (intent) {
        await act.intent(`/${intent}`);
        return;
      }
      await input.reply({ text: NO_MODEL });
      return;
    }
    const secrets = core.config.secrets;
    const tools: ToolSpec[] = core.commands
      .list()
      .filter((c) => TOOL_COMMANDS.includes(c.name))
      .map((c) => ({
        name: c.name,
        description: `${c.description}${c.readOnly ? '' : ' (the founder must confirm with a tap; calling this only proposes it)'}`,
        parameters: { type: 'object', properties: { arguments: { type: 'string', description: c.usage ? `the command's arguments: ${c.usage}` : 'leave empty' } } },
      }));
    tools.push(...(await mcpToolSpecs(core.mcp)));
    const memories = await core.memory.recall(input.text, 5).catch(() => []);
    const system = scrub(systemPrompt({ founder: input.actor.name, services: Object.keys(core.config.services), memories, now: new Date() }), secrets);
    const history = await this.turns.recent(input.chat, 10);
    const messages: ChatMessage[] = [...history.map((t) => ({ role: t.role, content: scrub(t.content, secrets) })), { role: 'user' as const, content: scrub(input.text, secrets) }];
    await this.turns.append(input.chat, 'user', input.text);

    try {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        await core.broadcaster.typing(input.chat.channel, input.chat.chatId);
        const res = await this.router.complete({ system, messages, tools, maxTokens: 1024, purpose: 'conversation' });
        if (!res.toolCalls.length || round === MAX_ROUNDS - 1) {
          const text = res.text.trim() || '(no answer)';
          await this.turns.append(input.chat, 'assistant', text);
          await input.reply({ text: scrub(text, secrets), ...(res.note ? { status: res.note } : {}) });
          return;
        }
        messages.push({ role: 'assistant', content: res.text, toolCalls: res.toolCalls });
        for (const call of res.toolCalls) {
          const mcpCall = fromModelToolName(call.name);
          const result = mcpCall ? await act.mcp({ ...mcpCall, args: call.arguments }) : await this.runTool(core, act, call.name, String(call.arguments.arguments ?? '').trim());
          messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: scrub(result, secrets).slice(0, 6_000) });
        }
      }
    } catch (err) {
      const known = asAureaError(err);
      await input.reply({ text: known ? known.message : `I could not answer (${describeError(err)}).` });
    }
  }

  /** Adds an assistant line to a chat's conversation (an MCP result that arrived after a tap), so the next answer sees it. */
  async note(chat: { channel: ChannelName; chatId: string }, text: string): Promise<void> {
    await this.turns.append(chat, 'assistant', text);
  }

  /** Runs a tool call through the router: a read-only command's output, or word that it was proposed. */
  private async runTool(core: ConversationDeps, act: AssistantActions, name: string, args: string): Promise<string> {
    if (!TOOL_COMMANDS.includes(name) || !core.commands.has(name)) return `There is no tool "${name}".`;
    const text = `${name}${args ? ` ${args}` : ''}`;
    const said: string[] = [];
    const routed = await act.tool(text, async (m) => void said.push([m.title, m.text, m.status].filter(Boolean).join('\n')));
    if (routed === 'proposed') return `Proposed "${text}" to the founder with a confirmation button; it has NOT run.`;
    return said.join('\n\n') || '(no output)';
  }
}

/** `<server>__<tool>` → its server and tool; null for AUREA's own commands. */
function fromModelToolName(name: string): { server: string; tool: string } | null {
  const at = name.indexOf('__');
  return at > 0 ? { server: name.slice(0, at), tool: name.slice(at + 2) } : null;
}

/** The MCP tools offered to the model (`<server>__<tool>`, with their JSON Schema): every tool of every reachable server but those denied. */
async function mcpToolSpecs(mcp: ConversationDeps['mcp']): Promise<ToolSpec[]> {
  // A server that does not answer quickly is left out of this answer rather than holding it up.
  const tools = await mcp.withPolicies(await mcp.toolsOf(undefined, MCP_LIST_MS));
  return tools
    .filter((t) => t.policy !== 'deny')
    .map((t) => modelToolSpec(t, ` (MCP server ${t.server}${t.policy === 'ask' ? '; the founder must allow it with a tap: calling it only asks' : ''})`));
}
