import type { Pcm16k } from './audio.js';
import type { CommandGrammar } from './grammar.js';

export interface Transcript {
  /** What was heard, lowercase words (or the provider's text). */
  text: string;
  /** `grammar` = matched the command grammar; `general` = offline dictation; `openai` = OpenAI transcription. */
  engine: 'grammar' | 'general' | 'openai';
  /** Seconds of audio transcribed. */
  audioSec: number;
  /** Wall time of the transcription, milliseconds. */
  elapsedMs: number;
}

/** Speech to text. Implementations: offline pocketsphinx, OpenAI's transcription API. */
export interface Transcriber {
  readonly name: string;
  /**
   * @param audio 16 kHz mono PCM
   * @param grammar the spoken-command grammar (offline engines try it first)
   * @throws AureaError TRANSCRIPTION_FAILED
   */
  transcribe(audio: Pcm16k, grammar: CommandGrammar): Promise<Transcript>;
}
