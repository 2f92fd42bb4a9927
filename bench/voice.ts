/**
 * Offline transcription (pocketsphinx, Debian's en-us model) on real recordings:
 * - dictation: the general model on pocketsphinx-testdata's LibriVox utterances (with reference
 *   transcripts): word error rate and real-time factor (decode time ÷ audio time, process start
 *   and model load included);
 * - commands: espeak-ng speaking every command phrase the grammar knows, in several voices and
 *   speeds, encoded as Telegram voice notes (OGG/Opus 48 kHz): accuracy through the command
 *   grammar versus the general model alone.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toPcm16k } from '../src/voice/audio.js';
import { buildCommandGrammar, loadDictionary } from '../src/voice/grammar.js';
import { EN_US_DICT, EN_US_MODEL, PocketsphinxTranscriber } from '../src/voice/pocketsphinx.js';
import { speak } from '../test/fixtures/speech.js';
import { round, type BenchResult } from './stats.js';
import { wordErrors } from './wer.js';

const LIBRIVOX = '/usr/share/pocketsphinx/test/data/librivox';

export async function voice(): Promise<BenchResult> {
  const engine = new PocketsphinxTranscriber();
  const dir = mkdtempSync(join(tmpdir(), 'aurea-bench-voice-'));

  // Dictation on LibriVox recordings.
  const refs = readFileSync(`${LIBRIVOX}/transcription`, 'utf8')
    .trim()
    .split('\n')
    .map((l) => /^<s> (.*) <\/s> \((.+)\)$/.exec(l.trim())!)
    .map((m) => ({ text: m[1]!, file: `${LIBRIVOX}/${m[2]}.wav` }));
  let dictErrors = 0;
  let dictWords = 0;
  let dictAudio = 0;
  let dictMs = 0;
  for (const r of refs) {
    const copy = join(dir, `${r.file.split('/').pop()}`);
    writeFileSync(copy, readFileSync(r.file));
    const audio = await toPcm16k(copy);
    const started = performance.now();
    const out = await engine.decode(audio.wavPath, ['-lm', `${EN_US_MODEL}/en-us.lm.bin`, '-dict', EN_US_DICT]);
    dictMs += performance.now() - started;
    dictAudio += audio.durationSec;
    const e = wordErrors(r.text, out.trim().split('\n')[0] ?? '');
    dictErrors += e.errors;
    dictWords += e.words;
  }

  // Spoken commands through the grammar vs the general model.
  const source = {
    commands: [{ name: 'start' }, { name: 'help' }, { name: 'status' }, { name: 'agents' }, { name: 'deploy', usage: '<service>' }, { name: 'retry' }],
    services: ['billing', 'web', 'payments', 'search'],
    agents: ['system-monitor'],
  };
  const grammar = buildCommandGrammar(source, await loadDictionary(EN_US_DICT));
  const voices: Array<[string, number]> = [
    ['en-us', 150],
    ['en-us+m3', 130],
    ['en-us+f2', 170],
    ['en-gb', 150],
  ];
  let grammarHits = 0;
  let generalHits = 0;
  let generalErrors = 0;
  let generalWords = 0;
  let clips = 0;
  let cmdAudio = 0;
  let cmdMs = 0;
  for (const phrase of grammar.vocabulary) {
    for (const [v, speed] of voices) {
      const clip = speak(phrase, v, speed);
      const path = join(dir, `cmd-${clips}.ogg`);
      writeFileSync(path, clip.ogg);
      const audio = await toPcm16k(path);
      const t = await engine.transcribe(audio, grammar);
      cmdMs += t.elapsedMs;
      cmdAudio += audio.durationSec;
      const expected = grammar.toCommandText(phrase);
      if (t.engine === 'grammar' && t.text === expected) grammarHits++;
      const general = (await engine.decode(audio.wavPath, ['-lm', `${EN_US_MODEL}/en-us.lm.bin`, '-dict', EN_US_DICT])).trim().split('\n')[0] ?? '';
      if (general === phrase) generalHits++;
      const e = wordErrors(phrase, general);
      generalErrors += e.errors;
      generalWords += e.words;
      clips++;
    }
  }
  // Free speech must not be taken for a command (it goes to the general model).
  const sentences = [
    'why did billing go down last night',
    'remind me to call the bank tomorrow morning',
    'how many customers signed up this week',
    'what is the status of the payments service',
    'please write a summary of the incident',
    'the search page feels slow today',
  ];
  let falseAccepts = 0;
  let freeClips = 0;
  for (const sentence of sentences) {
    for (const [v, speed] of voices) {
      const path = join(dir, `free-${freeClips}.ogg`);
      writeFileSync(path, speak(sentence, v, speed).ogg);
      const t = await engine.transcribe(await toPcm16k(path), grammar);
      if (t.engine === 'grammar') falseAccepts++;
      freeClips++;
    }
  }
  const dictRtf = dictMs / 1000 / dictAudio;
  const cmdRtf = cmdMs / 1000 / cmdAudio;
  return {
    name: 'offline transcription (pocketsphinx en-us, 2 cores)',
    rows: [
      { metric: `dictation WER, ${refs.length} LibriVox utterances (${round(dictAudio)} s)`, value: round((dictErrors / dictWords) * 100), unit: '%' },
      { metric: 'dictation real-time factor', value: round(dictRtf, 2), unit: '×', target: '< 0.5', met: dictRtf < 0.5 },
      { metric: `spoken commands via grammar, ${clips} clips`, value: round((grammarHits / clips) * 100), unit: '% exact' },
      { metric: 'same clips, general model only', value: round((generalHits / clips) * 100), unit: '% exact' },
      { metric: 'same clips, general model WER', value: round((generalErrors / generalWords) * 100), unit: '%' },
      { metric: `free speech taken for a command, ${freeClips} clips`, value: round((falseAccepts / freeClips) * 100), unit: '%' },
      { metric: 'command real-time factor (grammar, fallback included)', value: round(cmdRtf, 2), unit: '×', target: '< 0.5', met: cmdRtf < 0.5 },
    ],
    details: {
      dictation: { utterances: refs.length, audio_s: round(dictAudio), wer: round(dictErrors / dictWords, 3), rtf: round(dictRtf, 3) },
      commands: { clips, phrases: grammar.vocabulary.length, voices, grammar_exact: round(grammarHits / clips, 3), general_exact: round(generalHits / clips, 3), general_wer: round(generalErrors / generalWords, 3), rtf: round(cmdRtf, 3) },
      free_speech: { clips: freeClips, taken_for_command: falseAccepts },
    },
  };
}
