// The send job: delivers one pending outgoing message through the account that owns its chat, and records
// every attempt. Retryable failures go back to pending and run again later; permanent ones fail the message.
import type { BlobAddress, BlobStore } from '../blobs/store.js';
import { SendRejected, type Channel, type OutboundAttachment } from '../channels/channel.js';
import { backoffDelay } from '../domain/backoff.js';
import type { Account } from '../domain/account.js';
import type { Chat } from '../domain/chat.js';
import { ChannelUnavailable } from '../domain/errors.js';
import type { AccountId, MessageId } from '../domain/ids.js';
import type { Message } from '../domain/message.js';
import { RetryLater, type JobContext } from '../jobs/queue.js';
import type { Logger } from '../log.js';
import type { ParleyMetrics } from '../metrics/metrics.js';
import type { AccountRepository } from '../store/accounts.js';
import type { ChatRepository } from '../store/chats.js';
import type { Database, Executor } from '../store/db.js';
import type { AccountWrites } from '../store/fencing.js';
import type { MediaRepository } from '../store/media.js';
import type { MessageRepository } from '../store/messages.js';
import type { ConversationEvents } from './conversation-events.js';

export interface ChannelLookup {
  channel(accountId: AccountId): Channel | undefined;
  /** Whether this process runs the account (holds its lease); a job for another's account goes back to the queue. */
  holds(accountId: AccountId): boolean;
}

/** A job picked by a worker that does not run its account waits this long before any worker takes it again. */
export const ROUTE_DELAY_MS = 200;

/** Unexpected errors (network trouble not classified by the channel) are retried this many times. */
export const MAX_SEND_ATTEMPTS = 8;
const MAX_BACKOFF_MS = 5 * 60_000;

export function backoffMs(attempt: number, baseMs: number): number {
  return backoffDelay(baseMs, attempt, MAX_BACKOFF_MS);
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
  /** Every write about the message (claim, outcome) goes under its account's fence. */
  writes: AccountWrites;
  metrics: ParleyMetrics;
}

export class SendJob {
  constructor(private readonly deps: Deps) {}

  async run({ messageId }: { messageId: number }, context: JobContext): Promise<void> {
    const { database, messages, chats, accounts, channels } = this.deps;
    const id = messageId as MessageId;
    const found = await messages.findById(database.db, id);
    const chat = found && (await chats.findById(database.db, found.chatId));
    const account = chat && (await accounts.findById(chat.accountId, { includeDeleted: true }));
    if (!found || found.status !== 'pending' || !chat || !account) return;
    if (!account.deletedAt && !channels.holds(account.id)) throw new RetryLater(ROUTE_DELAY_MS, 'the account runs on another worker');
    // sent, failed, or another worker has it
    if (!(await this.fenced(account.id, (executor) => messages.claimForSending(id, executor)))) return;
    const message = { ...found, status: 'sending' as const };

    if (chat.deletedAt || account.deletedAt) return this.fail(message, chat, account, 'chat_deleted', 'the chat or its account was deleted');
    const channel = this.deps.channels.channel(account.id);
    if (!channel) return this.unavailable(message, chat, account);

    const attachment = await this.attachmentOf(message);
    if (attachment && !(await this.deps.blobs.has(attachment.address))) {
      return this.fail(message, chat, account, 'file_missing', 'the uploaded file is no longer in the media store; send it again');
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
      await this.fenced(account.id, async (executor) => {
        await messages.markSent(id, result.externalId, result.sentAt, executor);
        await messages.recordAttempt(id, { status: 'sent', error: null, retryAt: null }, executor);
      });
      this.deps.metrics.messageSent({ accountType: account.type, accountId: account.id }, message.createdAt);
      await this.publish(id, chat);
    } catch (error) {
      await this.failure(message, chat, account, error, context);
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

  private async failure(message: Message, chat: Chat, account: Account, error: unknown, context: JobContext): Promise<void> {
    if (error instanceof SendRejected) {
      if (error.chatBlocked) await this.deps.chats.update(this.deps.database.db, chat.id, { isBlocked: true });
      return this.fail(message, chat, account, error.reason, error.message);
    }
    const retryAfterMs =
      error instanceof ChannelUnavailable && error.retryAfterSeconds !== undefined
        ? error.retryAfterSeconds * 1000
        : backoffMs(context.attempt, this.deps.backoffBaseMs);
    const reason = error instanceof Error ? error.message : String(error);
    if (!(error instanceof ChannelUnavailable) && context.attempt >= MAX_SEND_ATTEMPTS) {
      return this.fail(message, chat, account, 'gave_up', `gave up after ${context.attempt} attempts: ${reason}`);
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
      return this.fail(message, chat, account, 'account_stopped', `account "${account.title}" is stopped; start it and retry`);
    }
    const reason = `waiting for account "${account.title}" (${account.status}${account.statusReason ? `: ${account.statusReason}` : ''})`;
    await this.fenced(chat.accountId, (executor) => this.deps.messages.setStatus(message.id, 'pending', reason, undefined, executor));
    if (message.statusReason !== reason) await this.publish(message.id, chat);
    // The channel may have started while this row was `sending`, when its pending work was looked up: go again.
    if (this.deps.channels.channel(account.id)) throw new RetryLater(0, 'the account connected meanwhile');
  }

  private async retryLater(message: Message, chat: Chat, reason: string, delayMs: number): Promise<never> {
    const { messages } = this.deps;
    await this.fenced(chat.accountId, async (executor) => {
      await messages.setStatus(message.id, 'pending', reason, undefined, executor);
      await messages.recordAttempt(message.id, { status: 'retry', error: reason, retryAt: new Date(Date.now() + delayMs) }, executor);
    });
    await this.publish(message.id, chat);
    throw new RetryLater(delayMs, reason);
  }

  private async fail(message: Message, chat: Chat, account: Account, reason: string, description: string): Promise<void> {
    const { messages } = this.deps;
    await this.fenced(chat.accountId, async (executor) => {
      await messages.setStatus(message.id, 'failed', `${reason}: ${description}`, undefined, executor);
      await messages.recordAttempt(message.id, { status: 'failed', error: `${reason}: ${description}`, retryAt: null }, executor);
    });
    this.deps.metrics.messageFailed({ accountType: account.type, accountId: account.id }, reason);
    await this.publish(message.id, chat);
  }

  private fenced<T>(accountId: AccountId, write: (executor: Executor) => Promise<T>): Promise<T> {
    return this.deps.writes.run(accountId, write);
  }

  private publish(id: MessageId, before: Chat): Promise<void> {
    return this.deps.conversation.message('message.updated', id, before);
  }
}
