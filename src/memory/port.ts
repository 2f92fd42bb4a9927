/** Turns texts into vectors. Implementations: offline hashing (default), OpenAI embeddings. */
export interface Embedder {
  /** Stored with every memory; searches compare only vectors of the same model. */
  readonly model: string;
  readonly dimensions: number;
  /** @returns one L2-normalised vector of `dimensions` numbers per text */
  embed(texts: string[]): Promise<number[][]>;
}
