// The WebSocket's frames as named schemas, so the OpenAPI document (and a client generated from it) types
// them too. They mirror realtime/hub.ts (hello, reset) and app/publisher.ts (one frame per domain event).
import { Type, type TSchema } from 'typebox';
import { named } from './components.js';
import { AccountSchema, ChatAccountSchema, ChatSchema, LoginSchema, MessageSchema } from './wire-schemas.js';

const Seq = Type.Integer({ minimum: 0, description: 'numbers the operator’s frames: grows by one per frame; order frames by it' });
const Epoch = Type.String({ description: 'changes when numbering restarts; a client that sees a new epoch reloads' });

function frame<T extends TSchema>(name: string, type: string, data: T, description: string) {
  return named(name, Type.Object({ type: Type.Literal(type), seq: Seq, epoch: Type.Optional(Epoch), data }, { description }));
}

const Greeting = Type.Object({ operator_id: Type.Integer(), resumed: Type.Boolean({ description: 'true when the frames since `since` follow' }) });

export const FRAMES = [
  frame('HelloFrame', 'hello', Greeting, 'The first frame of a socket: `seq` is where the frames that follow start.'),
  frame(
    'ResetFrame',
    'reset',
    Greeting,
    'Instead of hello when the socket was opened with `since` but those frames are gone (or the epoch changed); also on an ' +
      'open socket after the server lost its connection to Redis, when frames may have been missed. Reload the state ' +
      'through the REST API; frames with a higher seq follow.',
  ),
  frame('MessageCreatedFrame', 'message.created', MessageSchema, 'A message in a chat the operator sees (incoming, or sent by anyone).'),
  frame('MessageUpdatedFrame', 'message.updated', MessageSchema, 'A message changed: delivery status, edit, deletion, read mark, media ready.'),
  frame('ChatCreatedFrame', 'chat.created', ChatSchema, 'A chat the operator now sees: new, or newly visible to him (assigned).'),
  frame('ChatUpdatedFrame', 'chat.updated', ChatSchema, 'A chat he sees changed: last message, unread count, status, assignee.'),
  frame('ChatRemovedFrame', 'chat.removed', Type.Object({ id: Type.Integer() }), 'A chat he no longer sees (assigned to someone else).'),
  frame(
    'AccountUpdatedFrame',
    'account.updated',
    Type.Union([Type.Intersect([AccountSchema, Type.Object({ login: Type.Optional(LoginSchema) })]), ChatAccountSchema]),
    'An account changed. Admins get the whole account, with `login` while a login is in progress (a new QR code, ' +
      'its outcome); other operators get only what a chat embeds (`ChatAccount`: id, type, title, status, ' +
      'status_reason, status_until), one frame per change whatever the number of chats.',
  ),
];

/** Typed loosely on the server side: the event log hands out frames whose `data` it does not know. */
export const ServerFrame = Type.Unsafe<{ type: string; seq: number; epoch?: string; data: unknown }>(
  named('ServerFrame', Type.Union(FRAMES, { description: 'Every frame the server sends on /ws/messages/, told apart by `type`.' })),
);
