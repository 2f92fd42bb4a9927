import OpenAI from 'openai';
import type { ChatMessage, LlmRequest, LlmResponse, Provider } from '../types.js';

/**
 * OpenAI Chat Completions (`openai` SDK; OPENAI_BASE_URL overrides), and any OpenAI-compatible
 * local server such as Ollama (`<OLLAMA_BASE_URL>/v1`, free). Retries are the router's.
 */
export class OpenAIProvider implements Provider {
  private readonly client: OpenAI;

  constructor(
    readonly name: 'openai' | 'ollama',
    readonly model: string,
    options: { apiKey: string; baseUrl?: string },
  ) {
    this.client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseUrl, maxRetries: 0 });
  }

  get free(): boolean {
    return this.name === 'ollama';
  }

  async complete(request: LlmRequest, signal: AbortSignal): Promise<LlmResponse> {
    const res = await this.client.chat.completions.create(
      {
        model: this.model,
        ...(this.name === 'openai' ? { max_completion_tokens: request.maxTokens } : { max_tokens: request.maxTokens }),
        messages: [{ role: 'system', content: request.system }, ...request.messages.map(toOpenAI)],
        ...(request.tools?.length
          ? { tools: request.tools.map((t) => ({ type: 'function' as const, function: { name: t.name, description: t.description, parameters: t.parameters } })) }
          : {}),
      },
      { signal },
    );
    const message = res.choices[0]?.message;
    return {
      text: message?.content ?? '',
      toolCalls: (message?.tool_calls ?? []).flatMap((c) =>
        c.type === 'function' ? [{ id: c.id, name: c.function.name, arguments: safeJson(c.function.arguments) }] : [],
      ),
      usage: { inputTokens: res.usage?.prompt_tokens ?? 0, outputTokens: res.usage?.completion_tokens ?? 0 },
    };
  }
}

function safeJson(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

function toOpenAI(m: ChatMessage): OpenAI.ChatCompletionMessageParam {
  if (m.role === 'tool') return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
  if (m.role === 'assistant' && m.toolCalls?.length) {
    return {
      role: 'assistant',
      content: m.content || null,
      tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: JSON.stringify(c.arguments) } })),
    };
  }
  return { role: m.role, content: m.content } as OpenAI.ChatCompletionMessageParam;
}
