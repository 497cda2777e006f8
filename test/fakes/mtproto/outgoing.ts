// What the account does through the client: send, edit, delete, read. Answers carry pts like Telegram's.
import type { Long, tl } from '@mtcute/core';
import { rpcError } from './faults.js';
import type { HandlerTable, Session } from './handlers.js';
import { mediaFromInput } from './media.js';
import type { TelegramState } from './state.js';
import { buildMessage, peerUser, unixNow } from './tl-builders.js';

export interface SentMessage {
  randomId: Long;
  message: tl.RawMessage;
  /** The reassembled bytes of an uploaded file, when the message carried one. */
  uploaded?: Uint8Array;
}

export interface Publisher {
  /** Logs an update in the message box and pushes it to the account's sessions (except `except`). */
  publish(update: tl.TypeUpdate, peers: { userIds: number[]; chatIds: number[] }, except?: Session): void;
}

export interface OutgoingOptions {
  /** Answer messages.sendMessage with updateShortSentMessage (as Telegram does for plain texts) instead of updates. */
  shortSentMessage: boolean;
}

function replyToId(replyTo: tl.TypeInputReplyTo | undefined): number | undefined {
  return replyTo?._ === 'inputReplyToMessage' ? replyTo.replyToMsgId : undefined;
}

export class Outgoing {
  readonly sent: SentMessage[] = [];
  private readonly randomIds = new Set<string>();

  constructor(
    private readonly state: TelegramState,
    private readonly box: Publisher,
    readonly options: OutgoingOptions,
  ) {}

  handlers(): HandlerTable {
    return {
      'messages.sendMessage': (req, session) => {
        const { message, update } = this.send(req, session, req.message, req.entities);
        if (!this.options.shortSentMessage) return this.answer(req.randomId, message, update);
        return { _: 'updateShortSentMessage', out: true, id: message.id, pts: update.pts, ptsCount: 1, date: message.date, entities: req.entities };
      },
      'messages.sendMedia': (req, session) => {
        const { media, uploaded } = mediaFromInput(this.state.files, req.media);
        const { message, update } = this.send(req, session, req.message, req.entities, media, uploaded);
        return this.answer(req.randomId, message, update);
      },
      'messages.editMessage': (req, session) => {
        const message = this.state.find(this.state.peerOf(req.peer), req.id);
        if (!message.out) throw rpcError('MESSAGE_AUTHOR_REQUIRED');
        if (req.message === message.message && req.media === undefined) throw rpcError('MESSAGE_NOT_MODIFIED');
        const media = req.media ? mediaFromInput(this.state.files, req.media).media : message.media;
        Object.assign(message, { message: req.message ?? message.message, entities: req.entities, media, editDate: unixNow() });
        const update: tl.RawUpdateEditMessage = { _: 'updateEditMessage', message, pts: this.state.log.nextPts(), ptsCount: 1 };
        this.box.publish(update, this.state.peersOf(message), session);
        return this.container([update], message);
      },
      'messages.deleteMessages': (req, session) => {
        const deleted = this.state.delete(req.id);
        if (deleted.length === 0) return { _: 'messages.affectedMessages', pts: this.state.log.currentPts, ptsCount: 0 };
        const pts = this.state.log.nextPts(deleted.length);
        this.box.publish({ _: 'updateDeleteMessages', messages: deleted, pts, ptsCount: deleted.length }, { userIds: [], chatIds: [] }, session);
        return { _: 'messages.affectedMessages', pts, ptsCount: deleted.length };
      },
      'messages.readHistory': (req, session) => {
        const peer = this.state.peerOf(req.peer);
        const marks = this.state.readMarks(peer);
        marks.inbox = req.maxId || Math.max(marks.inbox, ...this.state.history(peer).filter((m) => !m.out).map((m) => m.id));
        const pts = this.state.log.nextPts();
        const update: tl.RawUpdateReadHistoryInbox = { _: 'updateReadHistoryInbox', peer, maxId: marks.inbox, stillUnreadCount: 0, pts, ptsCount: 1 };
        this.box.publish(update, { userIds: [], chatIds: [] }, session);
        return { _: 'messages.affectedMessages', pts, ptsCount: 1 };
      },
      'messages.setTyping': () => true,
    };
  }

  private send(
    req: { peer: tl.TypeInputPeer; randomId: Long; replyTo?: tl.TypeInputReplyTo },
    session: Session,
    text: string,
    entities?: tl.TypeMessageEntity[],
    media?: tl.TypeMessageMedia,
    uploaded?: Uint8Array,
  ): { message: tl.RawMessage; update: tl.RawUpdateNewMessage } {
    // Telegram refuses a random_id it has seen: that is how a resend after a crash is recognised
    if (this.randomIds.has(req.randomId.toString())) throw rpcError('RANDOM_ID_DUPLICATE');
    const peer = this.state.peerOf(req.peer);
    const message = buildMessage({
      id: this.state.newMessageId(),
      peer,
      from: peerUser(this.state.owner.id),
      out: true,
      text,
      entities,
      media,
      replyTo: replyToId(req.replyTo),
    });
    this.randomIds.add(req.randomId.toString());
    this.state.store(message);
    this.sent.push({ randomId: req.randomId, message, uploaded });
    const update: tl.RawUpdateNewMessage = { _: 'updateNewMessage', message, pts: this.state.log.nextPts(), ptsCount: 1 };
    this.box.publish(update, this.state.peersOf(message), session);
    return { message, update };
  }

  private answer(randomId: Long, message: tl.RawMessage, update: tl.RawUpdateNewMessage): tl.RawUpdates {
    return this.container([{ _: 'updateMessageID', id: message.id, randomId }, update], message);
  }

  private container(updates: tl.TypeUpdate[], message: tl.RawMessage): tl.RawUpdates {
    const { userIds, chatIds } = this.state.peersOf(message);
    return { _: 'updates', updates, users: this.state.usersById(userIds), chats: this.state.chatsById(chatIds), date: unixNow(), seq: 0 };
  }
}
