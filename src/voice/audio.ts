import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { AureaError } from '../errors.js';

const run = promisify(execFile);

/** 16 kHz mono signed 16-bit PCM: what speech recognisers (pocketsphinx's en-us model, Whisper) expect. */
export const SAMPLE_RATE = 16_000;

export interface Pcm16k {
  /** Path of the 16 kHz mono WAV written by ffmpeg. */
  wavPath: string;
  samples: Int16Array;
  /** Seconds of audio. */
  durationSec: number;
}

/**
 * Decodes any audio ffmpeg knows (Telegram voice: OGG/Opus 48 kHz mono; audio files; video notes:
 * MP4) to a 16 kHz mono 16-bit WAV beside it.
 * @param inputPath the downloaded file
 * @throws AureaError VOICE_UNDECODABLE when ffmpeg cannot decode it (its first error line is kept)
 */
export async function toPcm16k(inputPath: string): Promise<Pcm16k> {
  const wavPath = `${inputPath}.16k.wav`;
  try {
    await run('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-i', inputPath, '-vn', '-ac', '1', '-ar', String(SAMPLE_RATE), '-c:a', 'pcm_s16le', '-f', 'wav', wavPath], {
      timeout: 60_000,
    });
  } catch (err) {
    const detail = String((err as { stderr?: string }).stderr ?? '').trim().split('\n').pop() ?? '';
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AureaError('VOICE_UNDECODABLE', 'ffmpeg is not installed, so voice notes cannot be decoded (apt-get install ffmpeg).');
    }
    throw new AureaError('VOICE_UNDECODABLE', `I could not decode that audio${detail ? ` (${detail.replace(/^.*?: /, '')})` : ''}.`);
  }
  const wav = await readFile(wavPath);
  const data = dataChunk(wav);
  const samples = new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength - (data.byteLength % 2)));
  return { wavPath, samples, durationSec: samples.length / SAMPLE_RATE };
}

/** The PCM bytes of a RIFF/WAVE file's `data` chunk. */
function dataChunk(wav: Buffer): Buffer {
  let offset = 12;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('ascii', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    if (id === 'data') return wav.subarray(offset + 8, Math.min(wav.length, offset + 8 + size));
    offset += 8 + size + (size % 2);
  }
  throw new AureaError('VOICE_UNDECODABLE', 'I could not decode that audio (no PCM data).');
}

/**
 * Which 10 ms frames hold speech: RMS energy above 10 % of the loudest frames' level (95th percentile).
 * A simple voice-activity measure, enough to tell speech from the silence around it.
 */
export function voicedFrames(samples: Int16Array, frameMs = 10): boolean[] {
  const size = (SAMPLE_RATE * frameMs) / 1000;
  const rms: number[] = [];
  for (let i = 0; i + size <= samples.length; i += size) {
    let sum = 0;
    for (let j = i; j < i + size; j++) sum += samples[j]! * samples[j]!;
    rms.push(Math.sqrt(sum / size));
  }
  const sorted = [...rms].sort((a, b) => a - b);
  const loud = sorted[Math.floor(sorted.length * 0.95)] ?? 0;
  return rms.map((r) => loud > 0 && r > loud * 0.1);
}
