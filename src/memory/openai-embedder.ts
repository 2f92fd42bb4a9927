import OpenAI from 'openai';
import type { Embedder } from './port.js';

/** OpenAI embeddings (`text-embedding-3-small`, 1536 dimensions, normalised by the API). */
export class OpenAIEmbedder implements Embedder {
  readonly model = 'text-embedding-3-small';
  readonly dimensions = 1536;
  private readonly client: OpenAI;

  constructor(options: { apiKey: string; baseUrl?: string }) {
    this.client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseUrl, timeout: 30_000, maxRetries: 2 });
  }

  async embed(texts: string[]): Promise<number[][]> {
    const res = await this.client.embeddings.create({ model: this.model, input: texts });
    return res.data.sort((a, b) => a.index - b.index).map((d) => d.embedding);
  }
}
