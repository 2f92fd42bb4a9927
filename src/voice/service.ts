import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { actorKey, type Actor } from '../actor.js';
import type { ChannelName, MessageRef, OutboundMessage } from '../channels/port.js';
import type { CommandContext, CommandRegistry } from '../commands/registry.js';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { formatDuration } from '../duration.js';
import { AureaError, asAureaError, describeError } from '../errors.js';
import type { AgentScheduler } from '../agents/port.js';
import { cleanText } from '../text/clean.js';
import type { Logger } from '../log.js';
import { toPcm16k } from './audio.js';
import { buildCommandGrammar, loadDictionary, type CommandGrammar } from './grammar.js';
import { EN_US_DICT } from './pocketsphinx.js';
import type { Transcriber } from './port.js';

/** A voice message as an adapter hands it over (Telegram voice/audio/video_note, Slack audio file). */
export interface IncomingVoice {
  actor: Actor;
  chat: { channel: ChannelName; chatId: string };
  mimeType?: string;
  /** Size and duration as the platform declares them, if it does. */
  bytes?: number;
  durationSec?: number;
  /** File extension to store it under (`ogg`, `mp3`, `mp4`, `m4a`). */
  extension: string;
  download(): Promise<Buffer>;
  reply(message: OutboundMessage): Promise<MessageRef | void>;
}

interface NoteRow {
  id: string;
  actor_name: string;
  file_path: string | null;
}

/**
 * Voice notes into text, and nothing more: limits, storage for retries, transcription (OpenAI or
 * offline pocketsphinx with a command grammar built from the registry), the "heard: …" echo. What
 * the words then do is the router's decision (src/inbound.ts `handleVoice`, src/router.ts).
 */
export class VoiceService {
  private grammar?: Promise<CommandGrammar>;

  constructor(
    private readonly deps: {
      config: Config;
      db: Database;
      log: Logger;
      transcriber: Transcriber;
      /** The spoken-command grammar's words: command names and usages, agent names. */
      commands: Pick<CommandRegistry, 'list' | 'prefix'>;
      scheduler: Pick<AgentScheduler, 'agents'>;
    },
  ) {}

  /**
   * Stores a voice note, checks its limits and transcribes it; tells the founder what it heard or
   * why it could not. Never throws: failures are told in the chat and recorded in `voice_notes`.
   * @returns the transcript (cleaned), or null when there is nothing to act on
   */
  async transcribe(voice: IncomingVoice): Promise<string | null> {
    const { voice: limits } = this.deps.config;
    const { rows } = await this.deps.db.pool.query<{ id: string }>(
      `INSERT INTO voice_notes (platform, chat_id, actor, actor_name, mime_type, bytes, duration_s) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [voice.chat.channel, voice.chat.chatId, actorKey(voice.actor), voice.actor.name, voice.mimeType ?? null, voice.bytes ?? null, voice.durationSec ?? null],
    );
    const id = rows[0]!.id;
    if (voice.bytes !== undefined && voice.bytes > limits.maxBytes) {
      await this.fail(id, `too large: ${voice.bytes} bytes`);
      await voice.reply({ text: `That voice note is ${mb(voice.bytes)}; I take up to ${mb(limits.maxBytes)}. Send a shorter one.` });
      return null;
    }
    let path: string;
    try {
      const audio = await voice.download();
      if (audio.length > limits.maxBytes) throw new AureaError('VOICE_TOO_LARGE', `That voice note is ${mb(audio.length)}; I take up to ${mb(limits.maxBytes)}. Send a shorter one.`);
      const dir = join(this.deps.config.database.dataDir, 'voice');
      await mkdir(dir, { recursive: true });
      path = join(dir, `${id}.${voice.extension.replace(/[^a-z0-9]/gi, '') || 'bin'}`);
      await writeFile(path, audio);
      await this.deps.db.pool.query('UPDATE voice_notes SET file_path = $2, bytes = $3 WHERE id = $1', [id, path, audio.length]);
    } catch (err) {
      await this.fail(id, describeError(err));
      await voice.reply({ text: asAureaError(err)?.message ?? `I could not download that voice note (${describeError(err)}). Send it again.` });
      return null;
    }
    return this.transcribeStored({ id, path, chat: voice.chat, actor: voice.actor, reply: voice.reply, enforceDuration: true, declaredSec: voice.durationSec });
  }

  /**
   * `/retry`: transcribes again the last voice note of this chat that failed, ignoring the duration limit.
   * @returns the transcript, or null when there is nothing to act on
   * @throws AureaError NOTHING_TO_RETRY when this chat has no failed voice note
   */
  async retry(ctx: CommandContext): Promise<string | null> {
    const { rows } = await this.deps.db.pool.query<NoteRow>(
      `SELECT * FROM voice_notes WHERE platform = $1 AND chat_id = $2 AND status = 'failed' AND file_path IS NOT NULL ORDER BY id DESC LIMIT 1`,
      [ctx.chat.channel, ctx.chat.chatId],
    );
    const note = rows[0];
    if (!note) throw new AureaError('NOTHING_TO_RETRY', 'There is no failed voice note in this chat to retry.');
    await ctx.reply({ text: `Retrying your voice note from ${note.actor_name}…` });
    return this.transcribeStored({ id: note.id, path: note.file_path!, chat: ctx.chat, actor: ctx.actor, reply: ctx.reply, enforceDuration: false });
  }

  private async transcribeStored(note: {
      id: string;
      path: string;
      chat: { channel: ChannelName; chatId: string };
      actor: Actor;
      reply: (m: OutboundMessage) => Promise<MessageRef | void>;
      enforceDuration: boolean;
      declaredSec?: number;
  }): Promise<string | null> {
    const { maxDurationMs } = this.deps.config.voice;
    try {
      if (note.enforceDuration && note.declaredSec !== undefined && note.declaredSec * 1000 > maxDurationMs) throw tooLong(note.declaredSec, maxDurationMs);
      const audio = await toPcm16k(note.path);
      if (note.enforceDuration && audio.durationSec * 1000 > maxDurationMs) throw tooLong(audio.durationSec, maxDurationMs);
      const heard = await this.deps.transcriber.transcribe(audio, await this.commandGrammar());
      const transcript = { ...heard, text: cleanText(heard.text) };
      await this.deps.db.pool.query(`UPDATE voice_notes SET status = 'transcribed', transcript = $2, engine = $3, duration_s = $4, error = NULL WHERE id = $1`, [
        note.id,
        transcript.text,
        transcript.engine,
        audio.durationSec,
      ]);
      this.deps.log.info({ note: note.id, engine: transcript.engine, audioSec: audio.durationSec, ms: Math.round(transcript.elapsedMs) }, 'voice note transcribed');
      if (!transcript.text) {
        await note.reply({ text: "🎙 I couldn't make out any words in that voice note." });
        return null;
      }
      await note.reply({ text: `🎙 heard: “${transcript.text}”` });
      return transcript.text;
    } catch (err) {
      await this.fail(note.id, describeError(err));
      const known = asAureaError(err);
      this.deps.log.warn({ err, note: note.id }, 'voice note failed');
      await note.reply({ text: `${known ? known.message : `Transcription failed (${describeError(err)}).`} The audio is kept: send ${this.deps.commands.prefix(note.chat.channel)}retry to try again.` });
      return null;
    }
  }

  private async fail(id: string, error: string): Promise<void> {
    await this.deps.db.pool.query(`UPDATE voice_notes SET status = 'failed', error = $2 WHERE id = $1`, [id, error.slice(0, 1000)]);
  }

  /** The spoken-command grammar, built once from the registry and the configured names. */
  private commandGrammar(): Promise<CommandGrammar> {
    this.grammar ??= loadDictionary(EN_US_DICT).then((dict) =>
      buildCommandGrammar(
        {
          commands: this.deps.commands.list().map((c) => ({ name: c.name, usage: c.usage })),
          services: Object.keys(this.deps.config.services),
          agents: this.deps.scheduler.agents().map((a) => a.name),
        },
        dict,
      ),
    );
    this.grammar.catch(() => (this.grammar = undefined));
    return this.grammar;
  }
}

const mb = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

function tooLong(sec: number, maxMs: number): AureaError {
  return new AureaError('VOICE_TOO_LONG', `That voice note is ${formatDuration(sec * 1000)} long; I transcribe up to ${formatDuration(maxMs)}.`);
}
