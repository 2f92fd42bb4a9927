import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AureaError, describeError } from '../errors.js';
import { voicedFrames, type Pcm16k } from './audio.js';
import type { CommandGrammar } from './grammar.js';
import type { Transcriber, Transcript } from './port.js';

const run = promisify(execFile);

/** Debian's pocketsphinx-en-us: acoustic model, general language model and CMU dictionary. */
export const EN_US_MODEL = '/usr/share/pocketsphinx/model/en-us';
export const EN_US_DICT = `${EN_US_MODEL}/cmudict-en-us.dict`;

/** A grammar match must explain at least this share of the voiced audio, */
const MIN_COVERAGE = 0.8;
/** and no recognised word may be stretched over more than this many seconds. */
const MAX_WORD_SEC = 1.5;

interface Word {
  word: string;
  start: number;
  end: number;
}

/** Parses `pocketsphinx_continuous -time yes` output: the hypothesis line, then `word start end prob` lines. */
function parse(stdout: string): { hypothesis: string; words: Word[] } {
  const lines = stdout.trim().split('\n').filter(Boolean);
  const words: Word[] = [];
  let hypothesis = '';
  for (const line of lines) {
    const m = /^(\S+) (-?\d+\.\d+) (-?\d+\.\d+) (\d+\.\d+)$/.exec(line);
    if (m) words.push({ word: m[1]!, start: Number(m[2]), end: Number(m[3]) });
    else hypothesis = line.trim();
  }
  return { hypothesis, words: words.filter((w) => !/^(<sil>|<s>|<\/s>|\(NULL\)|\[.*\])$/.test(w.word)) };
}

/** Share of voiced 10 ms frames that fall inside recognised words. */
function coverage(audio: Pcm16k, words: Word[]): number {
  const voiced = voicedFrames(audio.samples);
  let total = 0;
  let covered = 0;
  voiced.forEach((v, i) => {
    if (!v) return;
    total++;
    const t = i / 100;
    if (words.some((w) => t >= w.start - 0.05 && t <= w.end + 0.05)) covered++;
  });
  return total ? covered / total : 0;
}

/**
 * Offline transcription with CMU pocketsphinx (Debian packages pocketsphinx + pocketsphinx-en-us;
 * no download at run time). Commands are a small language, so the command grammar is decoded
 * first; when its best path leaves voiced audio unexplained (coverage under 80 %) or stretches a
 * word over 1.5 s, the utterance is not a command and the general en-us language model dictates it.
 */
export class PocketsphinxTranscriber implements Transcriber {
  readonly name = 'pocketsphinx (offline)';

  constructor(private readonly modelDir = EN_US_MODEL) {}

  async transcribe(audio: Pcm16k, grammar: CommandGrammar): Promise<Transcript> {
    const started = performance.now();
    const grammarFiles = await this.grammarFiles(grammar);
    const byGrammar = parse(await this.decode(audio.wavPath, ['-jsgf', grammarFiles.jsgf, '-dict', grammarFiles.dict]));
    const command = byGrammar.hypothesis ? grammar.toCommandText(byGrammar.hypothesis) : null;
    const longest = Math.max(0, ...byGrammar.words.map((w) => w.end - w.start));
    if (command && longest <= MAX_WORD_SEC && coverage(audio, byGrammar.words) >= MIN_COVERAGE) {
      return { text: command, engine: 'grammar', audioSec: audio.durationSec, elapsedMs: performance.now() - started };
    }
    const general = parse(await this.decode(audio.wavPath, ['-lm', `${this.modelDir}/en-us.lm.bin`, '-dict', `${this.modelDir}/cmudict-en-us.dict`]));
    return { text: general.hypothesis, engine: 'general', audioSec: audio.durationSec, elapsedMs: performance.now() - started };
  }

  /** Runs the decoder on a 16 kHz WAV. @throws AureaError TRANSCRIPTION_FAILED */
  async decode(wavPath: string, search: string[]): Promise<string> {
    try {
      const { stdout } = await run('pocketsphinx_continuous', ['-infile', wavPath, '-hmm', `${this.modelDir}/en-us`, ...search, '-time', 'yes', '-logfn', '/dev/null'], {
        timeout: 120_000,
        maxBuffer: 4 * 1024 * 1024,
      });
      return stdout;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new AureaError('TRANSCRIPTION_FAILED', 'Offline transcription needs pocketsphinx (apt-get install pocketsphinx pocketsphinx-en-us), or set OPENAI_API_KEY.');
      }
      throw new AureaError('TRANSCRIPTION_FAILED', `Offline transcription failed: ${describeError(err).split('\n')[0]}`);
    }
  }

  private async grammarFiles(grammar: CommandGrammar): Promise<{ jsgf: string; dict: string }> {
    const id = createHash('sha256').update(grammar.jsgf).update(grammar.dictionary).digest('hex').slice(0, 16);
    const jsgf = join(tmpdir(), `aurea-${id}.jsgf`);
    const dict = join(tmpdir(), `aurea-${id}.dict`);
    await writeFile(jsgf, grammar.jsgf);
    await writeFile(dict, grammar.dictionary);
    return { jsgf, dict };
  }
}
