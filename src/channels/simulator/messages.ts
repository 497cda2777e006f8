// Building simulated customers' messages: the same InboundMessage a Telegram connector would produce.
import { externalId, type ExternalId } from '../../domain/ids.js';
import type { InboundMessage } from '../channel.js';

let counter = 0;

/** Ids unique within a process lifetime and increasing across restarts (milliseconds × 1000 + a counter). */
export function nextSimulatedId(): ExternalId {
  counter = (counter + 1) % 1000;
  return externalId(Date.now() * 1000 + counter);
}

export interface SimulatedCustomer {
  id: string;
  name: string;
  username?: string | null;
}

export function customerMessage(from: SimulatedCustomer, text: string, messageId?: string): InboundMessage {
  const [firstName, ...rest] = from.name.trim().split(/\s+/);
  const peer = {
    externalId: externalId(from.id),
    firstName: firstName ?? from.name,
    lastName: rest.length > 0 ? rest.join(' ') : null,
    username: from.username ?? null,
    phone: null,
  };
  return {
    chat: { externalId: peer.externalId, type: 'private', title: null, peer },
    sender: peer,
    externalId: messageId === undefined ? nextSimulatedId() : externalId(messageId),
    direction: 'in',
    sentAt: new Date(),
    kind: 'text',
    text,
    entities: null,
    replyToExternalId: null,
    forward: null,
    payload: null,
    media: [],
    randomId: null,
  };
}
