// Storing what a channel reports, once. New messages arriving together share one transaction (group-commit.ts),
// other events have one each; events are published and downloads enqueued only after the commit, and the
// channel acknowledges its source only after that.
import type { InboundEvent, InboundMessage, InboundSink } from '../channels/channel.js';
import type { Transaction } from 'kysely';
import type { AccountSettings, AccountType } from '../domain/account.js';
import type { Chat } from '../domain/chat.js';
import { displayName, type Network } from '../domain/contact.js';
import type { AccountId, ChatId, MediaId, MessageId } from '../domain/ids.js';
import type { AutoAssignmentPolicy } from '../domain/settings.js';
import type { Logger } from '../log.js';
import type { JobQueue } from '../jobs/queue.js';
import type { ParleyMetrics } from '../metrics/metrics.js';
import type { AccountRepository } from '../store/accounts.js';
import type { ChatRepository } from '../store/chats.js';
import type { ContactRepository } from '../store/contacts.js';
import type { Database } from '../store/db.js';
import type { AccountWrites } from '../store/fencing.js';
import type { MediaRepository } from '../store/media.js';
import type { MessageRepository } from '../store/messages.js';
import { isPassingFailure } from '../store/errors.js';
import type { Schema } from '../store/schema.js';
import { inTransaction } from '../store/transaction.js';
import type { Assignments } from './assignment.js';
import type { ConversationEvents } from './conversation-events.js';
import type { EventSink } from './events.js';
import { GroupCommit } from './group-commit.js';
import type { SettingsService } from './settings.js';

export interface IngestSource {
  accountId: AccountId;
  /** For metrics (the network when left out). */
  accountType?: AccountType;
  network: Network;
  settings: AccountSettings;
}

export interface IngestOutcome {
  messageId: MessageId | null;
  chatId: ChatId | null;
  /** False when the event was a repeat (or filtered out) and nothing new was stored. */
  stored: boolean;
}

interface Deps {
  database: Database;
  accounts: AccountRepository;
  contacts: ContactRepository;
  chats: ChatRepository;
  messages: MessageRepository;
  media: MediaRepository;
  assignments: Assignments;
  settings: SettingsService;
  events: EventSink;
  conversation: ConversationEvents;
  jobs: JobQueue;
  logger: Logger;
  /** A channel's status report goes under its account's fence (messages need none: their keys are unique). */
  writes: AccountWrites;
  metrics: ParleyMetrics;
}

interface PendingMessage {
  source: IngestSource;
  inbound: InboundMessage;
  policy: AutoAssignmentPolicy;
}

interface StoredMessage {
  source: IngestSource;
  direction: InboundMessage['direction'];
  /** The chat as it was before this message. */
  chat: Chat;
  chatCreated: boolean;
  /** False for a repeat: the message was stored before. */
  stored: boolean;
  messageId: MessageId;
  mediaIds: MediaId[];
}

export class IngestService {
  /** New messages arriving together (concurrent webhook requests, a polled batch) share one transaction. */
  private readonly newMessages: GroupCommit<PendingMessage, StoredMessage>;

  constructor(private readonly deps: Deps) {
    const { database } = deps;
    this.newMessages = new GroupCommit({
      storeAll: (items) =>
        inTransaction(database, async (trx) => {
          const stored: StoredMessage[] = [];
          for (const item of items) stored.push(await this.storeMessage(trx, item));
          return stored;
        }),
      storeOne: (item) => inTransaction(database, (trx) => this.storeMessage(trx, item)),
      afterCommit: (stored) => this.announce(stored),
      failsForAll: isPassingFailure,
      committed: (size) => deps.metrics.ingestTransaction(size),
    });
  }

  /** The sink a channel for this account writes into. */
  sinkFor(source: IngestSource): InboundSink {
    return async (event) => {
      await this.handle(source, event);
    };
  }

  async handle(source: IngestSource, event: InboundEvent): Promise<IngestOutcome> {
    switch (event.type) {
      case 'message.new':
        return this.message(source, event.message);
      case 'message.edited':
        return this.edited(source, event);
      case 'message.deleted':
        return this.deleted(source, event);
      case 'message.read':
        return this.read(source, event);
      case 'chat.blocked':
        return this.blocked(source, event);
      case 'chat.read':
        return this.chatRead(source, event);
      case 'contact.updated':
        return this.contactUpdated(source, event);
      case 'account.status':
        return this.accountStatus(source, event);
    }
  }

  private async message(source: IngestSource, inbound: InboundMessage): Promise<IngestOutcome> {
    if (inbound.chat.type !== 'private' && !source.settings.groups) return nothing();
    const policy = (await this.deps.settings.current()).autoAssignment;
    const result = await this.newMessages.submit({ source, inbound, policy });
    return { messageId: result.messageId, chatId: result.chat.id, stored: result.stored };
  }

  /** Inside the (shared) transaction: the contacts, the chat, the message and its media, the chat's counters. */
  private async storeMessage(trx: Transaction<Schema>, { source, inbound, policy }: PendingMessage): Promise<StoredMessage> {
    const { contacts, chats, messages, media, assignments } = this.deps;
    const peerId = inbound.chat.peer ? await contacts.upsert(trx, source.network, inbound.chat.peer) : null;
    const senderId =
      inbound.sender === null
        ? null
        : inbound.sender.externalId === inbound.chat.peer?.externalId
          ? peerId
          : await contacts.upsert(trx, source.network, inbound.sender);
    const at = inbound.sentAt.getTime();
    const title = inbound.chat.title ?? (inbound.chat.peer ? displayName(inbound.chat.peer) : `Chat ${inbound.chat.externalId}`);
    const existing = await chats.findByExternal(trx, source.accountId, inbound.chat.externalId);
    const { chat, created: chatCreated } = existing
      ? { chat: existing, created: false }
      : await chats.insert(trx, { accountId: source.accountId, externalId: inbound.chat.externalId, type: inbound.chat.type, title, contactId: peerId, at });
    const repeat = { source, direction: inbound.direction, chat, chatCreated: false, stored: false, mediaIds: [] };

    if (inbound.direction === 'out' && inbound.randomId) {
      const own = await messages.idByRandomId(trx, chat.id, inbound.randomId);
      if (own !== undefined) return { ...repeat, messageId: own };
    }
    const replyTo = inbound.replyToExternalId ? await messages.idByExternal(trx, chat.id, inbound.replyToExternalId) : undefined;
    const inserted = await messages.insertInbound(trx, {
      chatId: chat.id,
      externalId: inbound.externalId,
      direction: inbound.direction,
      senderContactId: inbound.direction === 'in' ? senderId : null,
      kind: inbound.kind,
      text: inbound.text,
      entities: inbound.entities,
      replyToMessageId: replyTo ?? null,
      replyToExternalId: inbound.replyToExternalId,
      forward: inbound.forward,
      payload: inbound.payload,
      sentAt: at,
    });
    if (!inserted.created) return { ...repeat, messageId: inserted.id };

    const mediaIds = await media.insertMany(trx, inserted.id, inbound.media);
    const incoming = inbound.direction === 'in';
    await chats.recordMessage(trx, chat, { id: inserted.id, at, incoming, title: inbound.chat.title });
    if (incoming) await assignments.autoAssign(trx, chat, policy);
    return { source, direction: inbound.direction, chat, stored: true, chatCreated, messageId: inserted.id, mediaIds };
  }

  /** After the commit: counted, published, downloads enqueued. */
  private async announce(results: readonly StoredMessage[]): Promise<void> {
    const created = results.filter((r) => r.stored);
    for (const { source, direction } of created) {
      this.deps.metrics.messageIngested({ accountType: source.accountType ?? source.network, accountId: source.accountId }, direction);
    }
    await this.deps.conversation.messages(
      'message.created',
      created.map((r) => ({ id: r.messageId, before: r.chat, chatCreated: r.chatCreated })),
    );
    for (const mediaId of created.flatMap((r) => r.mediaIds)) {
      // The message is stored: a failed enqueue must not make the channel redeliver it; the sweep retries.
      await this.deps.jobs.enqueue('media.download', { mediaId }, { key: `media:${mediaId}` }).catch((error: unknown) => {
        this.deps.logger.error({ err: error, mediaId }, 'could not enqueue a download; the periodic sweep will');
      });
    }
  }

  private async edited(source: IngestSource, event: Extract<InboundEvent, { type: 'message.edited' }>): Promise<IngestOutcome> {
    const { database, chats, messages } = this.deps;
    const chat = await chats.findByExternal(database.db, source.accountId, event.chatExternalId);
    if (!chat) return nothing();
    const id = await inTransaction(database, (trx) =>
      messages.edit(trx, chat.id, event.externalId, { text: event.text, entities: event.entities, at: event.editedAt.getTime() }),
    );
    if (id === undefined) return nothing();
    await this.deps.conversation.messagesUpdated(chat, [id]);
    return { messageId: id, chatId: chat.id, stored: true };
  }

  private async deleted(source: IngestSource, event: Extract<InboundEvent, { type: 'message.deleted' }>): Promise<IngestOutcome> {
    const { database, chats, messages } = this.deps;
    const at = event.deletedAt.getTime();
    let scope: { chatIds: ChatId[] } | { accountId: AccountId };
    if (event.chatExternalId === null) {
      // MTProto reports deletions in private chats without the chat: message ids are unique per account there.
      scope = { accountId: source.accountId };
    } else {
      const chat = await chats.findByExternal(database.db, source.accountId, event.chatExternalId);
      if (!chat) return nothing();
      scope = { chatIds: [chat.id] };
    }
    const deleted = await inTransaction(database, (trx) => messages.markDeleted(trx, scope, event.externalIds, at));
    for (const chatId of new Set(deleted.map((d) => d.chatId))) {
      const chat = await chats.findById(database.db, chatId);
      if (chat) await this.deps.conversation.messagesUpdated(chat, deleted.filter((d) => d.chatId === chatId).map((d) => d.id));
    }
    return { messageId: deleted[0]?.id ?? null, chatId: deleted[0]?.chatId ?? null, stored: deleted.length > 0 };
  }

  private async read(source: IngestSource, event: Extract<InboundEvent, { type: 'message.read' }>): Promise<IngestOutcome> {
    const { database, chats, messages } = this.deps;
    const chat = await chats.findByExternal(database.db, source.accountId, event.chatExternalId);
    if (!chat) return nothing();
    const ids = await inTransaction(database, (trx) => messages.markReadUpTo(trx, chat.id, event.maxExternalId, event.readAt.getTime()));
    await this.deps.conversation.messagesUpdated(chat, ids);
    return { messageId: null, chatId: chat.id, stored: ids.length > 0 };
  }

  private async blocked(source: IngestSource, event: Extract<InboundEvent, { type: 'chat.blocked' }>): Promise<IngestOutcome> {
    const { database, chats } = this.deps;
    const chat = await chats.findByExternal(database.db, source.accountId, event.chatExternalId);
    if (!chat || chat.isBlocked === event.blocked) return nothing();
    await chats.update(database.db, chat.id, { isBlocked: event.blocked });
    await this.deps.conversation.chatChanged(chat);
    return { messageId: null, chatId: chat.id, stored: true };
  }

  /** The account read the chat elsewhere: it stops counting as unread unless the customer wrote since. */
  private async chatRead(source: IngestSource, event: Extract<InboundEvent, { type: 'chat.read' }>): Promise<IngestOutcome> {
    const { database, chats, messages } = this.deps;
    const chat = await chats.findByExternal(database.db, source.accountId, event.chatExternalId);
    if (!chat || chat.unreadCount === 0) return nothing();
    if (await messages.hasIncomingAfter(database.db, chat.id, event.maxExternalId)) return nothing();
    await chats.update(database.db, chat.id, { unreadCount: 0 });
    await this.deps.conversation.chatChanged(chat);
    return { messageId: null, chatId: chat.id, stored: true };
  }

  /** New names for a known customer; his chat with this account is pushed again so the inbox shows them. */
  private async contactUpdated(source: IngestSource, event: Extract<InboundEvent, { type: 'contact.updated' }>): Promise<IngestOutcome> {
    const { database, contacts, chats } = this.deps;
    const known = await contacts.find(database.db, source.network, event.contact.externalId);
    if (!known) return nothing();
    await inTransaction(database, (trx) => contacts.upsert(trx, source.network, event.contact));
    const chat = await chats.findByExternal(database.db, source.accountId, event.contact.externalId);
    if (chat) await this.deps.conversation.chatChanged(chat);
    return { messageId: null, chatId: chat?.id ?? null, stored: true };
  }

  private async accountStatus(source: IngestSource, event: Extract<InboundEvent, { type: 'account.status' }>): Promise<IngestOutcome> {
    const { accounts, events, writes } = this.deps;
    const { status, reason, until, historyImport = null } = event;
    const change = { status, reason, until, historyImport };
    const changed = await writes.run(source.accountId, (executor) => accounts.setStatus(source.accountId, change, executor));
    if (changed) await events.publish([{ type: 'account.updated', account: await accounts.get(source.accountId) }]);
    return nothing();
  }
}

function nothing(): IngestOutcome {
  return { messageId: null, chatId: null, stored: false };
}

