import { GoogleGenAI, type Content } from '@google/genai';
import type { ChatMessage, LlmRequest, LlmResponse, Provider } from '../types.js';

/** Google Gemini (`@google/genai`; GOOGLE_BASE_URL overrides the endpoint). Retries are the router's. */
export class GoogleProvider implements Provider {
  readonly name = 'google' as const;
  readonly free = false;
  private readonly client: GoogleGenAI;

  constructor(
    readonly model: string,
    options: { apiKey: string; baseUrl?: string },
  ) {
    this.client = new GoogleGenAI({ apiKey: options.apiKey, ...(options.baseUrl ? { httpOptions: { baseUrl: options.baseUrl } } : {}) });
  }

  async complete(request: LlmRequest, signal: AbortSignal): Promise<LlmResponse> {
    const res = await this.client.models.generateContent({
      model: this.model,
      contents: toGoogle(request.messages),
      config: {
        abortSignal: signal,
        systemInstruction: request.system,
        maxOutputTokens: request.maxTokens,
        ...(request.tools?.length
          ? { tools: [{ functionDeclarations: request.tools.map((t) => ({ name: t.name, description: t.description, parametersJsonSchema: t.parameters })) }] }
          : {}),
      },
    });
    return {
      text: res.text ?? '',
      toolCalls: (res.functionCalls ?? []).map((c, i) => ({ id: c.id ?? `call_${i}`, name: c.name ?? '', arguments: (c.args ?? {}) as Record<string, unknown> })),
      usage: { inputTokens: res.usageMetadata?.promptTokenCount ?? 0, outputTokens: res.usageMetadata?.candidatesTokenCount ?? 0 },
    };
  }
}

function toGoogle(messages: ChatMessage[]): Content[] {
  return messages.map((m) => {
    if (m.role === 'tool') return { role: 'user', parts: [{ functionResponse: { name: m.name, response: { content: m.content } } }] };
    if (m.role === 'assistant') {
      return { role: 'model', parts: [...(m.content ? [{ text: m.content }] : []), ...(m.toolCalls ?? []).map((c) => ({ functionCall: { name: c.name, args: c.arguments } }))] };
    }
    return { role: 'user', parts: [{ text: m.content }] };
  });
}
