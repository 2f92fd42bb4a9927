import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeOpenAIApi } from './fakes/openai-api.js';
import { speak, speakVideoNote } from './fixtures/speech.js';
import { FOUNDER, callbackUpdate, textUpdate, voiceUpdate } from './fixtures/telegram-updates.js';
import { Harness, type HarnessOptions } from './helpers/harness.js';

describe('voice notes on Telegram (offline transcription)', () => {
  let h: Harness;
  const setup = async (options?: HarnessOptions) => {
    h = await Harness.create(options);
    await h.start();
  };
  afterEach(() => h?.close());

  /** Sends `clip` as a voice note through getFile + file download. */
  const sendVoice = (clip: { ogg: Buffer; durationSec: number }, fileId: string) => {
    h.telegram.addFile(fileId, clip.ogg);
    h.telegram.pushUpdate(voiceUpdate(FOUNDER, { fileId, durationSec: Math.round(clip.durationSec), bytes: clip.ogg.length }));
  };
  const texts = () => h.telegram.messagesTo(FOUNDER.id).map((m) => m.text);

  it('"status" spoken: echoes what it heard, then answers exactly like typed /status', async () => {
    await setup();
    sendVoice(speak('status'), 'v-status');
    await h.telegram.waitFor(() => texts().some((t) => t.startsWith('AUREA status')), 30_000, 'status reply');
    expect(texts()[0]).toBe('🎙 heard: “status”');
    expect(texts()[1]).toMatch(/🟢 billing: up/);
    expect(h.telegram.calls.some((c) => c.method === 'getFile' && c.payload.file_id === 'v-status')).toBe(true);
    const [note] = await h.query(`SELECT status, transcript, engine, file_path FROM voice_notes`);
    expect(note).toMatchObject({ status: 'transcribed', transcript: 'status', engine: 'grammar' });
    expect(existsSync(note!.file_path)).toBe(true);
  });

  it('"deploy billing" spoken asks for a confirmation tap before anything runs; Run → the deploy asks for approval', async () => {
    await setup();
    sendVoice(speak('deploy billing'), 'v-deploy');
    await h.telegram.waitFor(() => texts().some((t) => t.startsWith('Run this voice command?')), 30_000, 'confirmation');
    expect(texts()[0]).toBe('🎙 heard: “deploy billing”');
    const confirm = h.telegram.messagesTo(FOUNDER.id).find((m) => m.text.startsWith('Run this voice command?'))!;
    expect(confirm.text).toBe('Run this voice command?\n/deploy billing\n\nVoice commands that change things need a tap.');
    expect(confirm.buttons.map((b) => b.text)).toEqual(['▶ Run it', '✖ Cancel']);
    await h.settled();
    expect(texts().some((t) => /Deploy of billing started/.test(t))).toBe(false);

    h.telegram.pushUpdate(callbackUpdate(FOUNDER, confirm.buttons[0]!.callback_data, confirm));
    const answer = await h.telegram.waitFor((c) => c.method === 'answerCallbackQuery');
    expect(answer.payload.text).toBe('Running /deploy billing');
    await h.telegram.waitFor(() => texts().some((t) => t.startsWith('Deploy billing?')), 30_000, 'approval request');
    h.telegram.pushUpdate(callbackUpdate(FOUNDER, confirm.buttons[0]!.callback_data, confirm));
    await h.until(() => h.telegram.callsOf('answerCallbackQuery').length === 2, 10_000, 'second answer');
    expect(h.telegram.callsOf('answerCallbackQuery')[1]!.payload.text).toBe('Already answered.');
    expect(h.repo.deploys).toEqual([]); // still waits for the approval
  });

  it('free speech falls back to the general model and is handled as free text', async () => {
    await setup();
    sendVoice(speak('why did the billing service go down last night'), 'v-free');
    await h.telegram.waitFor(() => texts().length >= 2, 30_000, 'two replies');
    expect(texts()[0]).toMatch(/^🎙 heard: “[a-z ]+”$/);
    expect(texts()[1]).toMatch(/^I can only follow commands for now: no language model is configured\./);
    expect((await h.query(`SELECT engine FROM voice_notes`))[0]!.engine).toBe('general');
  });

  it('over the duration limit: a clear message, the audio kept, and /retry transcribes it anyway', async () => {
    await setup({ yaml: 'voice:\n  maxDuration: 500ms\n' });
    sendVoice(speak('agents'), 'v-long');
    await h.telegram.waitFor(() => texts().length >= 1, 30_000, 'limit message');
    expect(texts()[0]).toMatch(/^That voice note is \d+(ms|s) long; I transcribe up to 500ms\. The audio is kept: send \/retry to try again\.$/);
    const [note] = await h.query(`SELECT status, file_path FROM voice_notes`);
    expect(note!.status).toBe('failed');
    expect(existsSync(note!.file_path)).toBe(true);

    h.telegram.pushUpdate(textUpdate(FOUNDER, '/retry'));
    await h.telegram.waitFor(() => texts().some((t) => t.startsWith('Scheduled agents')), 30_000, 'agents reply');
    expect(texts().slice(1, 3)).toEqual(['Retrying your voice note from Ada Founder…', '🎙 heard: “agents”']);
  });

  it('with OPENAI_API_KEY set, the OpenAI transcription API transcribes (16 kHz WAV upload) and its text is normalised to the command', async () => {
    const openai = await FakeOpenAIApi.start();
    try {
      openai.transcript = 'Status.';
      await setup({ env: { OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.baseUrl } });
      sendVoice(speak('status'), 'v-openai');
      await h.telegram.waitFor(() => texts().some((t) => t.startsWith('AUREA status')), 30_000, 'status reply');
      expect(texts()[0]).toBe('🎙 heard: “status”');
      const call = await openai.waitFor((c) => c.method === 'audio.transcriptions');
      expect(call.fields.model).toBe('gpt-4o-mini-transcribe');
      expect(call.fields.prompt).toMatch(/deploy billing/);
      expect(call.file!.filename).toBe('voice.wav');
      expect(call.file!.bytes.subarray(0, 4).toString('ascii')).toBe('RIFF');
      expect((await h.query(`SELECT engine FROM voice_notes`))[0]!.engine).toBe('openai');
    } finally {
      await openai.close();
    }
  });

  it('a round video note (MP4) is transcribed from its audio track', async () => {
    await setup();
    const clip = speakVideoNote('agents');
    h.telegram.addFile('v-note', clip.ogg, 'video_notes/file_3.mp4');
    const update = voiceUpdate(FOUNDER, { fileId: 'v-note', durationSec: Math.round(clip.durationSec), bytes: clip.ogg.length });
    const { voice, ...message } = update.message;
    update.message = { ...message, video_note: { file_id: voice.file_id, file_unique_id: voice.file_unique_id, length: 240, duration: voice.duration, file_size: voice.file_size } };
    h.telegram.pushUpdate(update);
    await h.telegram.waitFor(() => texts().some((t) => t.startsWith('Scheduled agents')), 30_000, 'agents reply');
    expect(texts()[0]).toBe('🎙 heard: “agents”');
    expect((await h.query(`SELECT mime_type, file_path FROM voice_notes`))[0]).toMatchObject({ mime_type: 'video/mp4', file_path: expect.stringMatching(/\.mp4$/) });
  });

  it('undecodable audio gets a clear message and nothing runs', async () => {
    await setup();
    const junk = Buffer.from('OggS this is not really an ogg opus stream'.repeat(20));
    h.telegram.addFile('v-junk', junk);
    h.telegram.pushUpdate(voiceUpdate(FOUNDER, { fileId: 'v-junk', durationSec: 2, bytes: junk.length }));
    await h.telegram.waitFor(() => texts().length >= 1, 30_000, 'error message');
    expect(texts()[0]).toMatch(/^I could not decode that audio.*\. The audio is kept: send \/retry to try again\.$/);
    expect((await h.query(`SELECT status FROM voice_notes`))[0]!.status).toBe('failed');
  });

  it('over the size limit: refused before download', async () => {
    await setup({ yaml: 'voice:\n  maxMegabytes: 0.002\n' });
    const clip = speak('status');
    sendVoice(clip, 'v-big');
    await h.telegram.waitFor(() => texts().length >= 1, 30_000, 'size message');
    expect(texts()[0]).toMatch(/^That voice note is \d+ KB; I take up to \d+ KB\. Send a shorter one\.$/);
    expect(h.telegram.calls.some((c) => c.method === 'getFile')).toBe(false);
  });
});
