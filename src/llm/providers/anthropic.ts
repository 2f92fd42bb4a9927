import Anthropic from '@anthropic-ai/sdk';
import type { ChatMessage, LlmRequest, LlmResponse, Provider } from '../types.js';

type Block = Anthropic.ContentBlockParam;

/** Anthropic Messages API (`@anthropic-ai/sdk`; ANTHROPIC_BASE_URL overrides the endpoint). Retries are the router's. */
export class AnthropicProvider implements Provider {
  readonly name = 'anthropic' as const;
  readonly free = false;
  private readonly client: Anthropic;

  constructor(
    readonly model: string,
    options: { apiKey: string; baseUrl?: string },
  ) {
    this.client = new Anthropic({ apiKey: options.apiKey, baseURL: options.baseUrl, maxRetries: 0 });
  }

  async complete(request: LlmRequest, signal: AbortSignal): Promise<LlmResponse> {
    const res = await this.client.messages.create(
      {
        model: this.model,
        max_tokens: request.maxTokens,
        system: request.system,
        messages: toAnthropic(request.messages),
        ...(request.tools?.length ? { tools: request.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.parameters as Anthropic.Tool.InputSchema })) } : {}),
      },
      { signal },
    );
    return {
      text: res.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join(''),
      toolCalls: res.content.flatMap((b) => (b.type === 'tool_use' ? [{ id: b.id, name: b.name, arguments: (b.input ?? {}) as Record<string, unknown> }] : [])),
      usage: { inputTokens: res.usage.input_tokens, outputTokens: res.usage.output_tokens },
    };
  }
}

/** Neutral messages → Anthropic's: tool results travel as `tool_result` blocks in a user turn. */
function toAnthropic(messages: ChatMessage[]): Anthropic.MessageParam[] {
  const out: Anthropic.MessageParam[] = [];
  for (const m of messages) {
    if (m.role === 'tool') {
      const block: Block = { type: 'tool_result', tool_use_id: m.toolCallId, content: m.content };
      const last = out.at(-1);
      if (last?.role === 'user' && Array.isArray(last.content)) (last.content as Block[]).push(block);
      else out.push({ role: 'user', content: [block] });
    } else if (m.role === 'assistant' && m.toolCalls?.length) {
      out.push({
        role: 'assistant',
        content: [...(m.content ? [{ type: 'text' as const, text: m.content }] : []), ...m.toolCalls.map((c) => ({ type: 'tool_use' as const, id: c.id, name: c.name, input: c.arguments }))],
      });
    } else out.push({ role: m.role as 'user' | 'assistant', content: m.content });
  }
  return out;
}
