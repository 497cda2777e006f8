// What Telegram knows about the logged-in account: its peers, its messages per chat and read marks.
import type { tl } from '@mtcute/core';
import { getMarkedPeerId } from '@mtcute/core/utils.js';
import { rpcError } from './faults.js';
import { FileStore } from './files.js';
import { buildBasicGroup, buildUser, type UserSpec } from './tl-builders.js';
import { UpdateLog } from './update-log.js';

export interface ReadMarks {
  inbox: number;
  outbox: number;
}

export class TelegramState {
  readonly owner: tl.RawUser;
  readonly users = new Map<number, tl.RawUser>();
  readonly chats = new Map<number, tl.RawChat>();
  /** Messages by marked peer id (user id, or -chat id), oldest first. */
  readonly messages = new Map<number, tl.RawMessage[]>();
  readonly reads = new Map<number, ReadMarks>();
  readonly files = new FileStore();
  readonly log = new UpdateLog({
    users: (ids) => ids.flatMap((id) => this.users.get(id) ?? []),
    chats: (ids) => ids.flatMap((id) => this.chats.get(id) ?? []),
  });
  private nextMessageId = 1000;
  private nextUserId = 700_000_001;
  private nextChatId = 4_000_001;

  constructor(owner: Omit<UserSpec, 'id'> & { id?: number }) {
    this.owner = buildUser({ ...owner, id: owner.id ?? 100_500 }, { self: true });
    this.users.set(this.owner.id, this.owner);
  }

  addUser(spec: Omit<UserSpec, 'id'>): tl.RawUser {
    const user = buildUser({ ...spec, id: this.nextUserId++ }, { contact: true });
    this.users.set(user.id, user);
    return user;
  }

  addBasicGroup(title: string, memberCount: number): tl.RawChat {
    const chat = buildBasicGroup(this.nextChatId++, title, memberCount);
    this.chats.set(chat.id, chat);
    return chat;
  }

  /** Message ids of the common box are one sequence across all private chats and basic groups. */
  newMessageId(): number {
    return this.nextMessageId++;
  }

  store(message: tl.RawMessage): void {
    const key = getMarkedPeerId(message.peerId);
    const list = this.messages.get(key) ?? [];
    list.push(message);
    this.messages.set(key, list);
  }

  history(peer: tl.TypePeer): tl.RawMessage[] {
    return this.messages.get(getMarkedPeerId(peer)) ?? [];
  }

  find(peer: tl.TypePeer, id: number): tl.RawMessage {
    const found = this.history(peer).find((m) => m.id === id);
    if (!found) throw rpcError('MESSAGE_ID_INVALID');
    return found;
  }

  /** Deletes by id in whichever chat holds them; returns the ids that existed. */
  delete(ids: number[]): number[] {
    const deleted: number[] = [];
    for (const [key, list] of this.messages) {
      const kept = list.filter((m) => !ids.includes(m.id));
      deleted.push(...list.filter((m) => ids.includes(m.id)).map((m) => m.id));
      this.messages.set(key, kept);
    }
    return deleted;
  }

  readMarks(peer: tl.TypePeer): ReadMarks {
    const key = getMarkedPeerId(peer);
    const marks = this.reads.get(key) ?? { inbox: 0, outbox: 0 };
    this.reads.set(key, marks);
    return marks;
  }

  /** Resolves what a client sent as a peer, checking the access hash as Telegram does. */
  peerOf(input: tl.TypeInputPeer): tl.TypePeer {
    switch (input._) {
      case 'inputPeerSelf':
        return { _: 'peerUser', userId: this.owner.id };
      case 'inputPeerUser': {
        const user = this.users.get(input.userId);
        if (!user || !user.accessHash?.eq(input.accessHash)) throw rpcError('PEER_ID_INVALID');
        return { _: 'peerUser', userId: user.id };
      }
      case 'inputPeerUserFromMessage':
        if (!this.users.has(input.userId)) throw rpcError('PEER_ID_INVALID');
        return { _: 'peerUser', userId: input.userId };
      case 'inputPeerChat':
        if (!this.chats.has(input.chatId)) throw rpcError('PEER_ID_INVALID');
        return { _: 'peerChat', chatId: input.chatId };
      default:
        throw rpcError('PEER_ID_INVALID');
    }
  }

  userOf(input: tl.TypeInputUser): tl.RawUser | undefined {
    switch (input._) {
      case 'inputUserSelf':
        return this.owner;
      case 'inputUser': {
        const user = this.users.get(input.userId);
        // access hash 0 is how mtcute asks for a user it only knows by id; Telegram answers for known users
        return user && (input.accessHash.isZero() || user.accessHash?.eq(input.accessHash)) ? user : undefined;
      }
      case 'inputUserFromMessage':
        return this.users.get(input.userId);
      default:
        return undefined;
    }
  }

  /** Users and chats a message mentions, for the `users`/`chats` vectors that accompany it. */
  peersOf(message: tl.RawMessage): { userIds: number[]; chatIds: number[] } {
    const userIds = new Set<number>([this.owner.id]);
    const chatIds = new Set<number>();
    for (const peer of [message.peerId, message.fromId]) {
      if (peer?._ === 'peerUser') userIds.add(peer.userId);
      if (peer?._ === 'peerChat') chatIds.add(peer.chatId);
    }
    return { userIds: [...userIds], chatIds: [...chatIds] };
  }

  usersById(ids: number[]): tl.TypeUser[] {
    return ids.flatMap((id) => this.users.get(id) ?? []);
  }

  chatsById(ids: number[]): tl.TypeChat[] {
    return ids.flatMap((id) => this.chats.get(id) ?? []);
  }
}
