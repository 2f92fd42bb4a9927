import { Composer } from 'grammy';
import type { AdapterDeps } from '../../../src/inbound.js';
import { handleVoice } from '../../../src/inbound.js';
import { telegramActor } from '../actor.js';
import type { TelegramChannel } from '../channel.js';
import { telegramSettings } from '../settings.js';

const EXTENSIONS: Record<string, string> = { 'audio/ogg': 'ogg', 'audio/mpeg': 'mp3', 'audio/mp4': 'm4a', 'audio/x-m4a': 'm4a', 'audio/wav': 'wav', 'audio/x-wav': 'wav', 'audio/flac': 'flac' };

/**
 * Voice notes (`voice`, OGG/Opus), audio files (`audio`) and round video notes (`video_note`):
 * downloaded with getFile + `<apiRoot>/file/bot<token>/<file_path>` (Bot API "Downloading files"),
 * then handed to the shared voice service.
 */
export function voiceFeature(core: AdapterDeps, channel: TelegramChannel) {
  const composer = new Composer();
  composer.on(['message:voice', 'message:audio', 'message:video_note'], async (ctx) => {
    const m = ctx.message;
    const media = m.voice ?? m.audio ?? m.video_note!;
    const mimeType = 'mime_type' in media ? media.mime_type : 'video/mp4';
    const extension = m.voice ? 'ogg' : m.video_note ? 'mp4' : (EXTENSIONS[mimeType ?? ''] ?? 'audio');
    const chatId = String(ctx.chat.id);
    await ctx.replyWithChatAction('typing').catch(() => undefined);
    await handleVoice(core, {
      actor: telegramActor(ctx.from),
      chat: { channel: 'telegram', chatId },
      mimeType,
      bytes: media.file_size,
      durationSec: media.duration,
      extension,
      async download() {
        const file = await ctx.api.getFile(media.file_id);
        if (!file.file_path) throw new Error('Telegram gave no file_path (files over 20 MB cannot be downloaded by bots)');
        const { apiRoot, token } = telegramSettings.of(core.config);
        const res = await fetch(`${apiRoot}/file/bot${token}/${file.file_path}`, { signal: AbortSignal.timeout(60_000) });
        if (!res.ok) throw new Error(`file download answered HTTP ${res.status}`);
        return Buffer.from(await res.arrayBuffer());
      },
      reply: (message) => channel.send(chatId, message),
    });
  });
  return composer;
}
