import type { Config } from '../config.js';
import { AnthropicProvider } from './providers/anthropic.js';
import { GoogleProvider } from './providers/google.js';
import { OpenAIProvider } from './providers/openai.js';
import type { Provider } from './types.js';

/**
 * The providers of `llm.chain` that can take part: those with credentials (or, for Ollama, a base
 * URL), in the configured order.
 */
export function providersFromConfig(config: Config): Provider[] {
  return config.llm.chain.flatMap((entry): Provider[] => {
    const [name, ...rest] = entry.split(':');
    const model = rest.join(':');
    switch (name) {
      case 'anthropic':
        return config.llm.anthropic.apiKey ? [new AnthropicProvider(model, { apiKey: config.llm.anthropic.apiKey, baseUrl: config.llm.anthropic.baseUrl })] : [];
      case 'openai':
        return config.openai.apiKey ? [new OpenAIProvider('openai', model, { apiKey: config.openai.apiKey, baseUrl: config.openai.baseUrl })] : [];
      case 'google':
        return config.llm.google.apiKey ? [new GoogleProvider(model, { apiKey: config.llm.google.apiKey, baseUrl: config.llm.google.baseUrl })] : [];
      case 'ollama':
        return config.llm.ollama.baseUrl ? [new OpenAIProvider('ollama', model, { apiKey: 'ollama', baseUrl: `${config.llm.ollama.baseUrl.replace(/\/+$/, '')}/v1` })] : [];
      default:
        return [];
    }
  });
}
