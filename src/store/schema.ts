// Kysely's view of the tables (see migrations/). Integers come back as number, bigint (SQLite with safe
// integers) or string (MySQL BIGINT), so selected types say so and rows.ts turns them into domain values.
import type { ColumnType } from 'kysely';

/** What a driver returns for an integer column. */
export type DbInt = number | bigint | string;
/** An auto-increment primary key: never written by us. */
type PrimaryKey = ColumnType<DbInt, never, never>;
type Int = ColumnType<DbInt, number, number>;
type NullableInt = ColumnType<DbInt | null, number | null | undefined, number | null>;
/** A Telegram id (64-bit): written as a decimal string, read back as whatever the driver gives. */
type BigId = ColumnType<DbInt, string, string>;
type NullableBigId = ColumnType<DbInt | null, string | null | undefined, string | null>;
/** Epoch milliseconds. */
type Time = ColumnType<DbInt, number, number>;
type NullableTime = ColumnType<DbInt | null, number | null | undefined, number | null>;
/** 0 or 1: better-sqlite3 cannot bind booleans. */
type Flag = ColumnType<DbInt, 0 | 1 | undefined, 0 | 1>;
type Text = string;
type NullableText = ColumnType<string | null, string | null | undefined, string | null>;

export interface OperatorsTable {
  id: PrimaryKey;
  username: Text;
  /** 0 while the operator exists; his own id once deleted, so the username can be taken again. */
  deleted_id: Int;
  display_name: Text;
  password_hash: Text;
  role: Text;
  max_active_chats: NullableInt;
  is_active: Flag;
  last_login_at: NullableTime;
  last_assigned_at: NullableTime;
  created_at: Time;
  updated_at: Time;
  deleted_at: NullableTime;
}

export interface ApiTokensTable {
  id: PrimaryKey;
  operator_id: Int;
  /** 'api' for Authorization headers, 'session' for the web app's cookie. */
  kind: Text;
  token_hash: Text;
  name: NullableText;
  created_at: Time;
  last_used_at: NullableTime;
  expires_at: NullableTime;
  revoked_at: NullableTime;
}

export interface AccountsTable {
  id: PrimaryKey;
  type: Text;
  title: Text;
  status: Text;
  status_reason: NullableText;
  status_until: NullableTime;
  desired_state: Text;
  external_id: NullableBigId;
  username: NullableText;
  phone: NullableText;
  /** Encrypted (AES-256-GCM) bot token or session material. */
  secret: NullableText;
  /** Keyed hash of a bot token, to find a bot from the legacy webhook URL without storing the token plainly. */
  secret_lookup: NullableText;
  settings: Text;
  /** Updates that could never be stored and were skipped so the ones behind them could pass. */
  skipped_updates: ColumnType<DbInt, never, number>;
  /** A history import's progress: chats imported, of how many (equal once it finished; both null when none). */
  history_import_done: NullableInt;
  history_import_total: NullableInt;
  created_at: Time;
  updated_at: Time;
  deleted_at: NullableTime;
}

export interface ContactsTable {
  id: PrimaryKey;
  network: Text;
  external_id: BigId;
  first_name: NullableText;
  last_name: NullableText;
  username: NullableText;
  phone: NullableText;
  search_text: Text;
  created_at: Time;
  updated_at: Time;
}

export interface ChatsTable {
  id: PrimaryKey;
  account_id: Int;
  external_id: BigId;
  type: Text;
  title: Text;
  contact_id: NullableInt;
  status: Text;
  assignee_id: NullableInt;
  last_message_id: NullableInt;
  last_activity_at: Time;
  unread_count: Int;
  /** The customer blocked the bot (my_chat_member) or otherwise cannot be written to. */
  is_blocked: Flag;
  search_text: Text;
  created_at: Time;
  updated_at: Time;
  deleted_at: NullableTime;
}

export interface MessagesTable {
  id: PrimaryKey;
  chat_id: Int;
  /** Null until an outgoing message is sent. */
  external_id: NullableBigId;
  direction: Text;
  sender_contact_id: NullableInt;
  sender_operator_id: NullableInt;
  kind: Text;
  text: NullableText;
  entities: NullableText;
  reply_to_message_id: NullableInt;
  reply_to_external_id: NullableBigId;
  forward: NullableText;
  payload: NullableText;
  status: NullableText;
  status_reason: NullableText;
  idempotency_key: NullableText;
  request_hash: NullableText;
  random_id: NullableBigId;
  sent_at: Time;
  created_at: Time;
  edited_at: NullableTime;
  deleted_at: NullableTime;
  read_at: NullableTime;
  search_text: Text;
}

export interface MediaTable {
  id: PrimaryKey;
  message_id: Int;
  kind: Text;
  file_ref: NullableText;
  file_unique_id: NullableText;
  mime_type: NullableText;
  file_name: NullableText;
  size: NullableInt;
  width: NullableInt;
  height: NullableInt;
  duration: NullableInt;
  sha256: NullableText;
  path: NullableText;
  status: Text;
  status_reason: NullableText;
  created_at: Time;
  updated_at: Time;
}

export interface AssignmentsTable {
  id: PrimaryKey;
  chat_id: Int;
  operator_id: NullableInt;
  actor_operator_id: NullableInt;
  action: Text;
  created_at: Time;
}

export interface SendAttemptsTable {
  id: PrimaryKey;
  message_id: Int;
  attempt: Int;
  status: Text;
  error: NullableText;
  retry_at: NullableTime;
  created_at: Time;
}

export interface AuditLogTable {
  id: PrimaryKey;
  at: Time;
  actor_operator_id: NullableInt;
  action: Text;
  target_type: NullableText;
  target_id: NullableText;
  ip: NullableText;
  details: NullableText;
}

export interface SettingsTable {
  key: Text;
  value: Text;
  updated_at: Time;
}

export interface ChannelStateTable {
  account_id: Int;
  key: Text;
  value: Text;
  updated_at: Time;
}

export interface AccountLeasesTable {
  account_id: Int;
  owner: NullableText;
  token: Int;
  expires_at: Time;
}

export interface WorkersTable {
  id: Text;
  started_at: Time;
  expires_at: Time;
}

export interface Schema {
  operators: OperatorsTable;
  api_tokens: ApiTokensTable;
  accounts: AccountsTable;
  contacts: ContactsTable;
  chats: ChatsTable;
  messages: MessagesTable;
  media: MediaTable;
  assignments: AssignmentsTable;
  send_attempts: SendAttemptsTable;
  audit_log: AuditLogTable;
  settings: SettingsTable;
  channel_state: ChannelStateTable;
  account_leases: AccountLeasesTable;
  workers: WorkersTable;
}
