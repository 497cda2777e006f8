// The people on the other side: customers writing to the account, basic groups, and the owner's own phone.
import type { tl } from '@mtcute/core';
import { buildMedia, type MediaSpec } from './media.js';
import type { Publisher } from './outgoing.js';
import type { TelegramState } from './state.js';
import { buildMessage, peerChat, peerUser, unixNow } from './tl-builders.js';

export interface PostOptions {
  replyTo?: number;
  entities?: tl.TypeMessageEntity[];
}

export interface MediaOptions extends PostOptions {
  caption?: string;
}

/** Where a message goes: a private chat (the customer's user id) or a basic group. */
export type Chat = Customer | Group;

export interface MessageBox extends Publisher {
  readonly state: TelegramState;
}

/** Stores a new message and publishes it with a consecutive pts, users and chats attached. */
export function post(
  box: MessageBox,
  spec: { peer: tl.TypePeer; from: tl.TypePeer; out: boolean; text: string; media?: tl.TypeMessageMedia } & PostOptions,
): tl.RawMessage {
  const message = buildMessage({ ...spec, id: box.state.newMessageId() });
  box.state.store(message);
  box.publish({ _: 'updateNewMessage', message, pts: box.state.log.nextPts(), ptsCount: 1 }, box.state.peersOf(message));
  return message;
}

export class Customer {
  constructor(
    private readonly box: MessageBox,
    readonly user: tl.RawUser,
  ) {}

  get id(): number {
    return this.user.id;
  }

  get peer(): tl.RawPeerUser {
    return peerUser(this.user.id);
  }

  sendText(text: string, options: PostOptions = {}): tl.RawMessage {
    return post(this.box, { peer: this.peer, from: this.peer, out: false, text, ...options });
  }

  sendMedia(spec: MediaSpec, options: MediaOptions = {}): tl.RawMessage {
    const media = buildMedia(this.box.state.files, spec);
    return post(this.box, { peer: this.peer, from: this.peer, out: false, text: options.caption ?? '', media, ...options });
  }

  edit(messageId: number, text: string): tl.RawMessage {
    const message = this.box.state.find(this.peer, messageId);
    Object.assign(message, { message: text, editDate: unixNow() });
    const update: tl.RawUpdateEditMessage = { _: 'updateEditMessage', message, pts: this.box.state.log.nextPts(), ptsCount: 1 };
    this.box.publish(update, this.box.state.peersOf(message));
    return message;
  }

  /** Deleted for both sides, which is what a private-chat deletion by the customer usually is. */
  delete(...ids: number[]): void {
    const deleted = this.box.state.delete(ids);
    if (deleted.length === 0) throw new Error(`no message ${ids.join(', ')} to delete`);
    const pts = this.box.state.log.nextPts(deleted.length);
    this.box.publish({ _: 'updateDeleteMessages', messages: deleted, pts, ptsCount: deleted.length }, { userIds: [], chatIds: [] });
  }

  /** The customer opened the chat and read our messages up to `maxId` (default: all). */
  readOutbox(maxId?: number): void {
    const marks = this.box.state.readMarks(this.peer);
    marks.outbox = maxId ?? Math.max(0, ...this.box.state.history(this.peer).filter((m) => m.out).map((m) => m.id));
    const update: tl.RawUpdateReadHistoryOutbox = {
      _: 'updateReadHistoryOutbox',
      peer: this.peer,
      maxId: marks.outbox,
      pts: this.box.state.log.nextPts(),
      ptsCount: 1,
    };
    this.box.publish(update, { userIds: [this.id], chatIds: [] });
  }

  rename(names: { firstName?: string; lastName?: string; username?: string }): void {
    Object.assign(this.user, names);
    const usernames: tl.RawUsername[] = this.user.username ? [{ _: 'username', username: this.user.username, active: true }] : [];
    const update: tl.RawUpdateUserName = {
      _: 'updateUserName',
      userId: this.id,
      firstName: this.user.firstName ?? '',
      lastName: this.user.lastName ?? '',
      usernames,
    };
    this.box.publish(update, { userIds: [this.id], chatIds: [] });
  }
}

export class Group {
  constructor(
    private readonly box: MessageBox,
    readonly chat: tl.RawChat,
    readonly members: Customer[],
  ) {}

  get peer(): tl.RawPeerChat {
    return peerChat(this.chat.id);
  }

  send(from: Customer, text: string, options: PostOptions = {}): tl.RawMessage {
    return post(this.box, { peer: this.peer, from: from.peer, out: false, text, ...options });
  }

  sendMedia(from: Customer, spec: MediaSpec, options: MediaOptions = {}): tl.RawMessage {
    const media = buildMedia(this.box.state.files, spec);
    return post(this.box, { peer: this.peer, from: from.peer, out: false, text: options.caption ?? '', media, ...options });
  }
}
