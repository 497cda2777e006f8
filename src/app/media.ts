// Media files: the download job fetches a file from its channel into the blob store (content-addressed, one
// copy per distinct file, readable by every process); operators read files of chats they may see.
import type { Readable } from 'node:stream';
import type { BlobStore } from '../blobs/store.js';
import { MediaTooLarge } from '../channels/channel.js';
import { ChannelUnavailable, Conflict, NotFound } from '../domain/errors.js';
import type { MediaId } from '../domain/ids.js';
import { RetryLater, type JobContext } from '../jobs/queue.js';
import type { Logger } from '../log.js';
import type { ChatRepository } from '../store/chats.js';
import type { Database } from '../store/db.js';
import type { MediaRepository, StoredMedia } from '../store/media.js';
import type { MessageRepository } from '../store/messages.js';
import type { ChatService } from './chats.js';
import type { ConversationEvents } from './conversation-events.js';
import type { Actor } from './operators.js';
import type { ChannelLookup } from './send.js';
import { backoffMs, ROUTE_DELAY_MS } from './send.js';

export const MAX_DOWNLOAD_ATTEMPTS = 6;

interface Deps {
  database: Database;
  media: MediaRepository;
  messages: MessageRepository;
  chats: ChatRepository;
  chatService: ChatService;
  channels: ChannelLookup;
  blobs: BlobStore;
  /** Tells clients when a file becomes ready (or cannot be had). */
  conversation: ConversationEvents;
  logger: Logger;
  backoffBaseMs: number;
}

export interface MediaFile {
  media: StoredMedia;
  stream: Readable;
  size: number;
}

export class MediaService {
  constructor(private readonly deps: Deps) {}

  /** The download job. */
  async download({ mediaId }: { mediaId: number }, context: JobContext): Promise<void> {
    const { media, logger } = this.deps;
    const id = mediaId as MediaId;
    const queued = await media.findById(id);
    const owner = queued && (await this.accountOf(queued));
    if (owner !== undefined && !this.deps.channels.holds(owner)) throw new RetryLater(ROUTE_DELAY_MS, 'the account runs on another worker');
    if (!(await media.transition(id, ['pending'], 'downloading'))) return;
    const stored = await media.findById(id);
    const accountId = stored && (await this.accountOf(stored));
    const channel = accountId === undefined ? undefined : this.deps.channels.channel(accountId);
    if (!stored || !stored.fileRef || !channel) {
      // Waits with no job; the runtime enqueues the account's pending downloads when its channel starts.
      await media.transition(id, ['downloading'], 'pending', { reason: 'waiting for the account to connect' });
      // The channel may have started while this file was `downloading`, when pending work was looked up.
      if (accountId !== undefined && this.deps.channels.channel(accountId)) throw new RetryLater(0, 'the account connected meanwhile');
      return;
    }
    try {
      const download = await channel.download(stored.fileRef);
      // the blob first: a `ready` row always finds its file
      const saved = await this.deps.blobs.put(download.stream);
      await media.transition(id, ['downloading'], 'ready', { path: saved.address, sha256: saved.sha256, size: saved.size, mimeType: download.mimeType });
      await this.published(stored);
    } catch (error) {
      if (error instanceof MediaTooLarge) {
        await media.transition(id, ['downloading'], 'too_large', { reason: error.message });
        await this.published(stored);
        return;
      }
      const reason = error instanceof Error ? error.message : String(error);
      if (context.attempt >= MAX_DOWNLOAD_ATTEMPTS && !(error instanceof ChannelUnavailable)) {
        await media.transition(id, ['downloading'], 'failed', { reason });
        await this.published(stored);
        logger.warn({ err: error, mediaId }, 'media download failed for good');
        return;
      }
      await media.transition(id, ['downloading'], 'pending', { reason });
      const delay =
        error instanceof ChannelUnavailable && error.retryAfterSeconds !== undefined
          ? error.retryAfterSeconds * 1000
          : backoffMs(context.attempt, this.deps.backoffBaseMs);
      throw new RetryLater(delay, reason);
    }
  }

  /** A file for an operator who may see its chat. */
  async open(actor: Actor, id: MediaId): Promise<MediaFile> {
    const stored = await this.deps.media.findById(id);
    const message = stored && (await this.deps.messages.findById(this.deps.database.db, stored.messageId));
    if (!stored || !message) throw new NotFound(`media ${id} not found`);
    await this.deps.chatService.visible(actor, message.chatId).catch(() => {
      throw new NotFound(`media ${id} not found`);
    });
    if (stored.status !== 'ready' || !stored.path) {
      throw new Conflict(`media ${id} is not available: ${stored.status}${stored.statusReason ? ` (${stored.statusReason})` : ''}`, {
        status: stored.status,
      });
    }
    const file = await this.deps.blobs.open(stored.path);
    if (!file) throw new Conflict(`media ${id} is not available: its file is missing from the media store`, { status: stored.status });
    return { media: stored, ...file };
  }

  /** The file's message changed: push it to those who see its chat. */
  private async published(stored: StoredMedia): Promise<void> {
    const message = await this.deps.messages.findById(this.deps.database.db, stored.messageId);
    const chat = message && (await this.deps.chats.findById(this.deps.database.db, message.chatId));
    if (chat) await this.deps.conversation.messagesUpdated(chat, [stored.messageId]);
  }

  private async accountOf(stored: StoredMedia) {
    const message = await this.deps.messages.findById(this.deps.database.db, stored.messageId);
    const chat = message && (await this.deps.chats.findById(this.deps.database.db, message.chatId));
    return chat?.accountId;
  }
}
