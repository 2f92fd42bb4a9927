import type { Config } from '../config.js';
import type { Provider } from './types.js';

/**
 * The providers of `llm.chain` that can take part: those with credentials (or, for Ollama, a base
 * URL), in the configured order. Each provider's SDK is loaded only when it takes part.
 */
export async function providersFromConfig(config: Config): Promise<Provider[]> {
  const providers: Provider[] = [];
  for (const entry of config.llm.chain) {
    const [name, ...rest] = entry.split(':');
    const model = rest.join(':');
    if (name === 'anthropic' && config.llm.anthropic.apiKey) {
      const { AnthropicProvider } = await import('./providers/anthropic.js');
      providers.push(new AnthropicProvider(model, { apiKey: config.llm.anthropic.apiKey, baseUrl: config.llm.anthropic.baseUrl }));
    } else if (name === 'openai' && config.openai.apiKey) {
      const { OpenAIProvider } = await import('./providers/openai.js');
      providers.push(new OpenAIProvider('openai', model, { apiKey: config.openai.apiKey, baseUrl: config.openai.baseUrl }));
    } else if (name === 'google' && config.llm.google.apiKey) {
      const { GoogleProvider } = await import('./providers/google.js');
      providers.push(new GoogleProvider(model, { apiKey: config.llm.google.apiKey, baseUrl: config.llm.google.baseUrl }));
    } else if (name === 'ollama' && config.llm.ollama.baseUrl) {
      const { OpenAIProvider } = await import('./providers/openai.js');
      providers.push(new OpenAIProvider('ollama', model, { apiKey: 'ollama', baseUrl: `${config.llm.ollama.baseUrl.replace(/\/+$/, '')}/v1` }));
    }
  }
  return providers;
}
