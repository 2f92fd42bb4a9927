import { readFile } from 'node:fs/promises';
import OpenAI, { toFile } from 'openai';
import { AureaError, describeError } from '../errors.js';
import type { Pcm16k } from './audio.js';
import type { CommandGrammar } from './grammar.js';
import type { Transcriber, Transcript } from './port.js';

/** Current OpenAI speech-to-text model (https://platform.openai.com/docs/guides/speech-to-text). */
export const OPENAI_TRANSCRIBE_MODEL = 'gpt-4o-mini-transcribe';

/**
 * Transcription with OpenAI's `POST /v1/audio/transcriptions` through the official SDK
 * (`OPENAI_BASE_URL` overrides the endpoint). The prompt lists the command words so names are
 * spelled as configured; a transcript that reads as a spoken command is normalised to it.
 */
export class OpenAITranscriber implements Transcriber {
  readonly name = 'openai';
  private readonly client: OpenAI;

  constructor(options: { apiKey: string; baseUrl?: string }) {
    this.client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseUrl, timeout: 60_000, maxRetries: 2 });
  }

  async transcribe(audio: Pcm16k, grammar: CommandGrammar): Promise<Transcript> {
    const started = performance.now();
    try {
      const res = await this.client.audio.transcriptions.create({
        file: await toFile(await readFile(audio.wavPath), 'voice.wav', { type: 'audio/wav' }),
        model: OPENAI_TRANSCRIBE_MODEL,
        prompt: `Commands for a chat-ops bot: ${grammar.vocabulary.join(', ')}.`,
      });
      const text = res.text.trim();
      const spokenCommand = grammar.toCommandText(text.toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, ''));
      return { text: spokenCommand ?? text, engine: 'openai', audioSec: audio.durationSec, elapsedMs: performance.now() - started };
    } catch (err) {
      throw new AureaError('TRANSCRIPTION_FAILED', `OpenAI transcription failed: ${describeError(err)}`, { cause: err });
    }
  }
}
