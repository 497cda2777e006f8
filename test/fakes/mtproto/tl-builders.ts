// Plain TL objects as Telegram sends them: users, chats, peers and messages of the common message box.
import type { tl } from '@mtcute/core';
import { randomLong } from '@mtcute/core/utils.js';

/** The fake has one data centre; real accounts live on DC 2 more often than not. */
export const DC_ID = 2;

export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

export interface UserSpec {
  id: number;
  firstName: string;
  lastName?: string;
  username?: string;
  phone?: string;
}

export function buildUser(spec: UserSpec, flags: { self?: boolean; contact?: boolean } = {}): tl.RawUser {
  return {
    _: 'user',
    id: spec.id,
    self: flags.self,
    contact: flags.contact,
    // mtcute does not cache a user without an access hash, so every user has one
    accessHash: randomLong(),
    firstName: spec.firstName,
    lastName: spec.lastName,
    username: spec.username,
    phone: spec.phone,
    status: { _: 'userStatusRecently' },
  };
}

export function buildBasicGroup(id: number, title: string, participantsCount: number): tl.RawChat {
  return {
    _: 'chat',
    id,
    title,
    photo: { _: 'chatPhotoEmpty' },
    participantsCount,
    date: unixNow(),
    version: 1,
  };
}

export function peerUser(userId: number): tl.RawPeerUser {
  return { _: 'peerUser', userId };
}

export function peerChat(chatId: number): tl.RawPeerChat {
  return { _: 'peerChat', chatId };
}

export function replyHeader(replyTo: number | undefined): tl.RawMessageReplyHeader | undefined {
  return replyTo === undefined ? undefined : { _: 'messageReplyHeader', replyToMsgId: replyTo };
}

export interface MessageSpec {
  id: number;
  peer: tl.TypePeer;
  from: tl.TypePeer;
  out: boolean;
  text: string;
  entities?: tl.TypeMessageEntity[];
  media?: tl.TypeMessageMedia;
  replyTo?: number;
}

export function buildMessage(spec: MessageSpec): tl.RawMessage {
  return {
    _: 'message',
    id: spec.id,
    out: spec.out,
    fromId: spec.from,
    peerId: spec.peer,
    date: unixNow(),
    message: spec.text,
    entities: spec.entities,
    media: spec.media,
    replyTo: replyHeader(spec.replyTo),
  };
}
