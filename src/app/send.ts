// The send job: delivers one pending outgoing message through the account that owns its chat, and records
// every attempt. Retryable failures go back to pending and run again later; permanent ones fail the message.
import type { BlobAddress, BlobStore } from '../blobs/store.js';
import { SendRejected, type Channel, type OutboundAttachment } from '../channels/channel.js';
import type { Account } from '../domain/account.js';
import type { Chat } from '../domain/chat.js';
import { ChannelUnavailable } from '../domain/errors.js';
import type { AccountId, MessageId } from '../domain/ids.js';
import type { Message } from '../domain/message.js';
import { RetryLater, type JobContext } from '../jobs/queue.js';
import type { Logger } from '../log.js';
import type { AccountRepository } from '../store/accounts.js';
import type { ChatRepository } from '../store/chats.js';
import type { Database } from '../store/db.js';
import type { MediaRepository } from '../store/media.js';
import type { MessageRepository } from '../store/messages.js';
import type { ConversationEvents } from './conversation-events.js';

export interface ChannelLookup {
  channel(accountId: AccountId): Channel | undefined;
}

/** Unexpected errors (network trouble not classified by the channel) are retried this many times. */
export const MAX_SEND_ATTEMPTS = 8;
const MAX_BACKOFF_MS = 5 * 60_000;

export function backoffMs(attempt: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
}

interface Deps {
  database: Database;
  accounts: AccountRepository;
  chats: ChatRepository;
  messages: MessageRepository;
  channels: ChannelLookup;
  conversation: ConversationEvents;
  media: MediaRepository;
  blobs: BlobStore;
  logger: Logger;
  backoffBaseMs: number;
}

export class SendJob {
  constructor(private readonly deps: Deps) {}

  async run({ messageId }: { messageId: number }, context: JobContext): Promise<void> {
    const { database, messages, chats, accounts } = this.deps;
    const id = messageId as MessageId;
    if (!(await messages.claimForSending(id))) return; // sent, failed, or another worker has it
    const message = await messages.findById(database.db, id);
    const chat = message && (await chats.findById(database.db, message.chatId));
    const account = chat && (await accounts.findById(chat.accountId, { includeDeleted: true }));
    if (!message || !chat || !account) return;

    if (chat.deletedAt || account.deletedAt) return this.fail(message, chat, 'chat_deleted', 'the chat or its account was deleted');
    const channel = this.deps.channels.channel(account.id);
    if (!channel) return this.unavailable(message, chat, account);

    const attachment = await this.attachmentOf(message);
    if (attachment && !(await this.deps.blobs.has(attachment.address))) {
      return this.fail(message, chat, 'file_missing', 'the uploaded file is no longer in the media store; send it again');
    }
    try {
      const result = await channel.send({
        chatExternalId: chat.externalId,
        chatType: chat.type,
        text: message.text,
        replyToExternalId: message.replyToExternalId,
        attachment,
        randomId: message.randomId ?? '0',
      });
      await messages.markSent(id, result.externalId, result.sentAt);
      await messages.recordAttempt(id, { status: 'sent', error: null, retryAt: null });
      await this.publish(id, chat);
    } catch (error) {
      await this.failure(message, chat, error, context);
    }
  }

  /** The file an operator uploaded with the message, if any. */
  private async attachmentOf(message: Message): Promise<(OutboundAttachment & { address: BlobAddress }) | null> {
    const first = message.direction === 'out' ? message.media[0] : undefined;
    const stored = first && (await this.deps.media.findById(first.id));
    const address = stored?.path;
    if (!stored || !address) return null;
    const { blobs } = this.deps;
    return {
      kind: stored.kind,
      address,
      async open() {
        const file = await blobs.open(address);
        if (!file) throw new SendRejected('file_missing', `the file of media ${stored.id} is missing from the media store`);
        return file;
      },
      fileName: stored.fileName ?? `${stored.kind}-${stored.id}`,
      mimeType: stored.mimeType ?? 'application/octet-stream',
    };
  }

  private async failure(message: Message, chat: Chat, error: unknown, context: JobContext): Promise<void> {
    if (error instanceof SendRejected) {
      if (error.chatBlocked) await this.deps.chats.update(this.deps.database.db, chat.id, { isBlocked: true });
      return this.fail(message, chat, error.reason, error.message);
    }
    const retryAfterMs =
      error instanceof ChannelUnavailable && error.retryAfterSeconds !== undefined
        ? error.retryAfterSeconds * 1000
        : backoffMs(context.attempt, this.deps.backoffBaseMs);
    const reason = error instanceof Error ? error.message : String(error);
    if (!(error instanceof ChannelUnavailable) && context.attempt >= MAX_SEND_ATTEMPTS) {
      return this.fail(message, chat, 'gave_up', `gave up after ${context.attempt} attempts: ${reason}`);
    }
    if (!(error instanceof ChannelUnavailable)) this.deps.logger.warn({ err: error, messageId: message.id }, 'send failed; will retry');
    await this.retryLater(message, chat, reason, retryAfterMs);
  }

  /** The account is not connected in this process right now. */
  /**
   * No channel runs the account here (halted for a re-login, failed to start): the message waits as pending
   * with no job, and goes out as soon as the channel starts (the runtime enqueues its account's pending work).
   */
  private async unavailable(message: Message, chat: Chat, account: Account): Promise<void> {
    if (account.desiredState === 'stopped') {
      return this.fail(message, chat, 'account_stopped', `account "${account.title}" is stopped; start it and retry`);
    }
    const reason = `waiting for account "${account.title}" (${account.status}${account.statusReason ? `: ${account.statusReason}` : ''})`;
    await this.deps.messages.setStatus(message.id, 'pending', reason);
    if (message.statusReason !== reason) await this.publish(message.id, chat);
    // The channel may have started while this row was `sending`, when its pending work was looked up: go again.
    if (this.deps.channels.channel(account.id)) throw new RetryLater(0, 'the account connected meanwhile');
  }

  private async retryLater(message: Message, chat: Chat, reason: string, delayMs: number): Promise<never> {
    const { messages } = this.deps;
    await messages.setStatus(message.id, 'pending', reason);
    await messages.recordAttempt(message.id, { status: 'retry', error: reason, retryAt: new Date(Date.now() + delayMs) });
    await this.publish(message.id, chat);
    throw new RetryLater(delayMs, reason);
  }

  private async fail(message: Message, chat: Chat, reason: string, description: string): Promise<void> {
    const { messages } = this.deps;
    await messages.setStatus(message.id, 'failed', `${reason}: ${description}`);
    await messages.recordAttempt(message.id, { status: 'failed', error: `${reason}: ${description}`, retryAt: null });
    await this.publish(message.id, chat);
  }

  private publish(id: MessageId, before: Chat): Promise<void> {
    return this.deps.conversation.message('message.updated', id, before);
  }
}
