// Response schemas of the inbox's objects: they document the API and make Fastify send exactly these fields.
// They mirror wire/present.ts (a test compares real answers against them through the OpenAPI document).
import { Type } from 'typebox';
import { ACCOUNT_STATUSES, ACCOUNT_TYPES } from '../domain/account.js';
import { CHAT_STATUSES, CHAT_TYPES } from '../domain/chat.js';
import { MEDIA_STATUSES, MESSAGE_KINDS, OUTGOING_STATUSES } from '../domain/message.js';
import { named } from './components.js';
import { Nullable, StringEnum, Timestamp } from './schemas.js';

const ExternalIdSchema = Type.String({ pattern: '^-?\\d{1,19}$', description: 'Telegram id (64-bit, as a string)' });
const Json = Type.Object({}, { additionalProperties: true });

export const AccountSchema = named('Account', Type.Object({
  id: Type.Integer(),
  type: StringEnum(ACCOUNT_TYPES),
  title: Type.String(),
  status: StringEnum(ACCOUNT_STATUSES),
  status_reason: Nullable(Type.String()),
  status_until: Nullable(Timestamp),
  desired_state: StringEnum(['running', 'stopped'] as const),
  external_id: Nullable(ExternalIdSchema),
  username: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  settings: Json,
  skipped_updates: Type.Integer({ description: 'updates from Telegram that could never be stored and were skipped (see the log for why)' }),
  history_import: Nullable(
    Type.Object(
      { done: Type.Integer({ minimum: 0 }), total: Type.Integer({ minimum: 0 }) },
      {
        description:
          'a personal account’s import of its recent chats after a login: chats imported of the total; `done` equals ' +
          '`total` once it finished, until the account’s status next changes; null when none ran, or it failed',
      },
    ),
  ),
  created_at: Timestamp,
  updated_at: Timestamp,
}));

export const ContactSchema = named('Contact', Type.Object({
  id: Type.Integer(),
  network: StringEnum(['telegram', 'simulator'] as const),
  external_id: ExternalIdSchema,
  first_name: Nullable(Type.String()),
  last_name: Nullable(Type.String()),
  username: Nullable(Type.String()),
  phone: Nullable(Type.String()),
}));

/** The source of a chat as every operator who sees the chat may know it: no settings, no login details. */
export const ChatAccountSchema = named('ChatAccount', Type.Object({
  id: Type.Integer(),
  type: StringEnum(ACCOUNT_TYPES),
  title: Type.String(),
  status: StringEnum(ACCOUNT_STATUSES, 'only an `active` source can send; otherwise `status_reason` says why'),
  status_reason: Nullable(Type.String()),
  status_until: Nullable(Timestamp),
}));

export const ChatSchema = named('Chat', Type.Object({
  id: Type.Integer(),
  account: ChatAccountSchema,
  external_id: ExternalIdSchema,
  type: StringEnum(CHAT_TYPES),
  title: Type.String(),
  status: StringEnum(CHAT_STATUSES),
  assignee_id: Nullable(Type.Integer()),
  unread_count: Type.Integer(),
  is_blocked: Type.Boolean({ description: 'the customer blocked the account, so messages cannot reach him' }),
  contact: Nullable(ContactSchema),
  last_message: Nullable(
    Type.Object({
      id: Type.Integer(),
      direction: StringEnum(['in', 'out'] as const),
      kind: StringEnum(MESSAGE_KINDS),
      text: Nullable(Type.String({ description: 'the first 200 characters' })),
      sent_at: Timestamp,
      status: Nullable(StringEnum(OUTGOING_STATUSES)),
    }),
  ),
  last_activity_at: Timestamp,
  created_at: Timestamp,
  updated_at: Timestamp,
  deleted_at: Nullable(Timestamp),
}));

export const UnreadCountSchema = named('UnreadCount', Type.Object(
  {
    chats: Type.Integer({ minimum: 0, description: 'my chats with unread messages' }),
    messages: Type.Integer({ minimum: 0, description: 'unread messages in them' }),
  },
  { description: 'Unread messages in the chats assigned to the caller.' },
));

export const MediaSchema = named('Media', Type.Object({
  id: Type.Integer(),
  kind: StringEnum(MESSAGE_KINDS),
  mime_type: Nullable(Type.String()),
  file_name: Nullable(Type.String()),
  size: Nullable(Type.Integer()),
  width: Nullable(Type.Integer()),
  height: Nullable(Type.Integer()),
  duration: Nullable(Type.Integer()),
  status: StringEnum(MEDIA_STATUSES),
  status_reason: Nullable(Type.String()),
  url: Type.String({ description: 'GET it (authenticated) for the file once status is ready' }),
}));

export const MessageSchema = named('Message', Type.Object({
  id: Type.Integer(),
  chat_id: Type.Integer(),
  external_id: Nullable(ExternalIdSchema),
  direction: StringEnum(['in', 'out'] as const),
  sender_contact_id: Nullable(Type.Integer()),
  sender_operator_id: Nullable(Type.Integer()),
  kind: StringEnum(MESSAGE_KINDS),
  text: Nullable(Type.String()),
  entities: Nullable(Type.Array(Type.Unknown())),
  reply_to_message_id: Nullable(Type.Integer()),
  reply_to_external_id: Nullable(ExternalIdSchema),
  forward: Nullable(Json),
  payload: Nullable(Json),
  status: Nullable(StringEnum(OUTGOING_STATUSES, 'outgoing messages only: pending, sending, sent or failed')),
  status_reason: Nullable(Type.String()),
  idempotency_key: Nullable(Type.String()),
  sent_at: Timestamp,
  created_at: Timestamp,
  edited_at: Nullable(Timestamp),
  deleted_at: Nullable(Timestamp),
  read_at: Nullable(Timestamp),
  media: Type.Array(MediaSchema),
}));

export const SendAttemptSchema = named('SendAttempt', Type.Object({
  attempt: Type.Integer(),
  status: Type.String(),
  error: Nullable(Type.String()),
  retry_at: Nullable(Timestamp),
  at: Timestamp,
}));

export const SettingsSchema = named('Settings', Type.Object({
  auto_assignment: StringEnum(['none', 'round_robin', 'least_loaded'] as const),
  operators_see_unassigned: Type.Boolean(),
  retention_days: Nullable(Type.Integer({ minimum: 1 })),
}));

const loginFields = {
  account_id: Type.Integer(),
  state: StringEnum(['code_sent', 'password_needed', 'qr', 'active', 'failed'] as const, 'where the login stands'),
  code_type: Nullable(Type.String({ description: 'how Telegram delivered the code: app, sms, call, flash_call, email…' })),
  next_code_type: Nullable(Type.String({ description: 'how resend_code would deliver it' })),
  timeout: Nullable(Type.Integer({ description: 'seconds before the code can be sent again' })),
  password_hint: Nullable(Type.String({ description: 'the hint of the 2FA password' })),
  qr_url: Nullable(Type.String({ description: 'tg://login?token=… to show as a QR code' })),
  qr_expires_at: Nullable(Timestamp),
  error: Nullable(Type.String({ description: 'why the login ended without success' })),
};

export const LoginSchema = named('Login', Type.Object(loginFields, { description: 'Where the login of a personal account stands' }));
export const LoginAnswer = named(
  'LoginAnswer',
  Type.Object({ ...loginFields, account: AccountSchema }, { description: 'A login step’s answer: where it stands, and the account' }),
);
