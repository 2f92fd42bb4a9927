/** Provider-neutral chat types for the model router. */

export type ProviderName = 'anthropic' | 'openai' | 'google' | 'ollama';

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

export type ChatMessage =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string };

export interface LlmRequest {
  system: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  /** Output cap, tokens. */
  maxTokens: number;
  /** What the call is for (ledger): `conversation`, `summary` … */
  purpose: string;
}

export interface LlmResponse {
  text: string;
  toolCalls: ToolCall[];
  usage: { inputTokens: number; outputTokens: number };
}

/** A configured model behind its official SDK. */
export interface Provider {
  readonly name: ProviderName;
  readonly model: string;
  /** Local models cost nothing and stay usable when a budget cap is reached. */
  readonly free: boolean;
  complete(request: LlmRequest, signal: AbortSignal): Promise<LlmResponse>;
}
