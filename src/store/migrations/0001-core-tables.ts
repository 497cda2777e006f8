// The core tables (ARCHITECTURE.md "Data"), with the composite indexes the hot queries need.
import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './builder.js';

export function coreTables({ createTable, types }: MigrationContext): Migration {
  const { primaryKey, bigint, longText, text } = types;
  const varchar = (length: number) => `varchar(${length})` as const;

  return {
    async up(db: Kysely<unknown>) {
      await createTable(db, 'operators')
        .addColumn('id', primaryKey, (c) => c.primaryKey().autoIncrement())
        .addColumn('username', varchar(64), (c) => c.notNull())
        .addColumn('deleted_id', bigint, (c) => c.notNull().defaultTo(0))
        .addColumn('display_name', varchar(128), (c) => c.notNull())
        .addColumn('password_hash', varchar(255), (c) => c.notNull())
        .addColumn('role', varchar(16), (c) => c.notNull())
        .addColumn('max_active_chats', 'integer')
        .addColumn('is_active', 'smallint', (c) => c.notNull().defaultTo(1))
        .addColumn('last_login_at', bigint)
        .addColumn('last_assigned_at', bigint)
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .addColumn('deleted_at', bigint)
        .addUniqueConstraint('operators_username_unique', ['username', 'deleted_id'])
        .execute();

      await createTable(db, 'api_tokens')
        .addColumn('id', primaryKey, (c) => c.primaryKey().autoIncrement())
        .addColumn('operator_id', bigint, (c) => c.notNull().references('operators.id'))
        .addColumn('kind', varchar(16), (c) => c.notNull())
        .addColumn('token_hash', varchar(64), (c) => c.notNull())
        .addColumn('name', varchar(128))
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('last_used_at', bigint)
        .addColumn('expires_at', bigint)
        .addColumn('revoked_at', bigint)
        .addUniqueConstraint('api_tokens_hash_unique', ['token_hash'])
        .execute();
      await db.schema.createIndex('api_tokens_operator').on('api_tokens').columns(['operator_id', 'revoked_at']).execute();

      await createTable(db, 'accounts')
        .addColumn('id', primaryKey, (c) => c.primaryKey().autoIncrement())
        .addColumn('type', varchar(16), (c) => c.notNull())
        .addColumn('title', varchar(128), (c) => c.notNull())
        .addColumn('status', varchar(24), (c) => c.notNull())
        .addColumn('status_reason', varchar(512))
        .addColumn('status_until', bigint)
        .addColumn('desired_state', varchar(16), (c) => c.notNull())
        .addColumn('external_id', bigint)
        .addColumn('username', varchar(64))
        .addColumn('phone', varchar(32))
        .addColumn('secret', text)
        .addColumn('secret_lookup', varchar(64))
        .addColumn('settings', text, (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .addColumn('deleted_at', bigint)
        .execute();
      await db.schema.createIndex('accounts_secret_lookup').on('accounts').column('secret_lookup').execute();

      await createTable(db, 'contacts')
        .addColumn('id', primaryKey, (c) => c.primaryKey().autoIncrement())
        .addColumn('network', varchar(16), (c) => c.notNull())
        .addColumn('external_id', bigint, (c) => c.notNull())
        .addColumn('first_name', varchar(255))
        .addColumn('last_name', varchar(255))
        .addColumn('username', varchar(64))
        .addColumn('phone', varchar(32))
        .addColumn('search_text', varchar(768), (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .addUniqueConstraint('contacts_network_external_unique', ['network', 'external_id'])
        .execute();

      await createTable(db, 'chats')
        .addColumn('id', primaryKey, (c) => c.primaryKey().autoIncrement())
        .addColumn('account_id', bigint, (c) => c.notNull().references('accounts.id'))
        .addColumn('external_id', bigint, (c) => c.notNull())
        .addColumn('type', varchar(16), (c) => c.notNull())
        .addColumn('title', varchar(255), (c) => c.notNull())
        .addColumn('contact_id', bigint, (c) => c.references('contacts.id'))
        .addColumn('status', varchar(16), (c) => c.notNull())
        .addColumn('assignee_id', bigint, (c) => c.references('operators.id'))
        .addColumn('last_message_id', bigint)
        .addColumn('last_activity_at', bigint, (c) => c.notNull())
        .addColumn('unread_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('is_blocked', 'smallint', (c) => c.notNull().defaultTo(0))
        .addColumn('search_text', varchar(768), (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .addColumn('deleted_at', bigint)
        .addUniqueConstraint('chats_account_external_unique', ['account_id', 'external_id'])
        .execute();
      // The inbox lists: everything by activity, one operator's chats, unassigned ones (assignee null).
      await db.schema.createIndex('chats_activity').on('chats').columns(['last_activity_at', 'id']).execute();
      await db.schema
        .createIndex('chats_assignee_activity')
        .on('chats')
        .columns(['assignee_id', 'last_activity_at', 'id'])
        .execute();
      await db.schema
        .createIndex('chats_assignee_status')
        .on('chats')
        .columns(['assignee_id', 'status'])
        .execute();
      await db.schema.createIndex('chats_contact').on('chats').column('contact_id').execute();

      await createTable(db, 'messages')
        .addColumn('id', primaryKey, (c) => c.primaryKey().autoIncrement())
        .addColumn('chat_id', bigint, (c) => c.notNull().references('chats.id'))
        .addColumn('external_id', bigint)
        .addColumn('direction', varchar(8), (c) => c.notNull())
        .addColumn('sender_contact_id', bigint, (c) => c.references('contacts.id'))
        .addColumn('sender_operator_id', bigint, (c) => c.references('operators.id'))
        .addColumn('kind', varchar(16), (c) => c.notNull())
        .addColumn('text', longText)
        .addColumn('entities', longText)
        .addColumn('reply_to_message_id', bigint)
        .addColumn('reply_to_external_id', bigint)
        .addColumn('forward', text)
        .addColumn('payload', text)
        .addColumn('status', varchar(16))
        .addColumn('status_reason', varchar(512))
        .addColumn('idempotency_key', varchar(128))
        .addColumn('request_hash', varchar(64))
        .addColumn('random_id', bigint)
        .addColumn('sent_at', bigint, (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('edited_at', bigint)
        .addColumn('deleted_at', bigint)
        .addColumn('read_at', bigint)
        .addColumn('search_text', longText, (c) => c.notNull())
        // NULLs never collide, so pending outgoing rows (no external id yet) coexist.
        .addUniqueConstraint('messages_chat_external_unique', ['chat_id', 'external_id'])
        .addUniqueConstraint('messages_chat_idempotency_unique', ['chat_id', 'idempotency_key'])
        .execute();
      await db.schema.createIndex('messages_chat_id').on('messages').columns(['chat_id', 'id']).execute();
      await db.schema.createIndex('messages_status').on('messages').columns(['status', 'id']).execute();
      await db.schema.createIndex('messages_sent_at').on('messages').column('sent_at').execute();

      await createTable(db, 'media')
        .addColumn('id', primaryKey, (c) => c.primaryKey().autoIncrement())
        .addColumn('message_id', bigint, (c) => c.notNull().references('messages.id').onDelete('cascade'))
        .addColumn('kind', varchar(16), (c) => c.notNull())
        .addColumn('file_ref', text)
        .addColumn('file_unique_id', varchar(128))
        .addColumn('mime_type', varchar(128))
        .addColumn('file_name', varchar(255))
        .addColumn('size', bigint)
        .addColumn('width', 'integer')
        .addColumn('height', 'integer')
        .addColumn('duration', 'integer')
        .addColumn('sha256', varchar(64))
        .addColumn('path', varchar(512))
        .addColumn('status', varchar(16), (c) => c.notNull())
        .addColumn('status_reason', varchar(512))
        .addColumn('created_at', bigint, (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('media_message').on('media').column('message_id').execute();
      await db.schema.createIndex('media_status').on('media').columns(['status', 'id']).execute();
      await db.schema.createIndex('media_sha256').on('media').column('sha256').execute();

      await createTable(db, 'assignments')
        .addColumn('id', primaryKey, (c) => c.primaryKey().autoIncrement())
        .addColumn('chat_id', bigint, (c) => c.notNull().references('chats.id'))
        .addColumn('operator_id', bigint, (c) => c.references('operators.id'))
        .addColumn('actor_operator_id', bigint, (c) => c.references('operators.id'))
        .addColumn('action', varchar(16), (c) => c.notNull())
        .addColumn('created_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('assignments_chat').on('assignments').columns(['chat_id', 'id']).execute();

      await createTable(db, 'send_attempts')
        .addColumn('id', primaryKey, (c) => c.primaryKey().autoIncrement())
        .addColumn('message_id', bigint, (c) => c.notNull().references('messages.id').onDelete('cascade'))
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('status', varchar(16), (c) => c.notNull())
        .addColumn('error', varchar(512))
        .addColumn('retry_at', bigint)
        .addColumn('created_at', bigint, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('send_attempts_message').on('send_attempts').columns(['message_id', 'id']).execute();

      await createTable(db, 'audit_log')
        .addColumn('id', primaryKey, (c) => c.primaryKey().autoIncrement())
        .addColumn('at', bigint, (c) => c.notNull())
        .addColumn('actor_operator_id', bigint)
        .addColumn('action', varchar(64), (c) => c.notNull())
        .addColumn('target_type', varchar(32))
        .addColumn('target_id', varchar(64))
        .addColumn('ip', varchar(64))
        .addColumn('details', text)
        .execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at', 'id']).execute();
      await db.schema.createIndex('audit_log_target').on('audit_log').columns(['target_type', 'target_id']).execute();

      await createTable(db, 'settings')
        .addColumn('key', varchar(64), (c) => c.primaryKey())
        .addColumn('value', text, (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .execute();

      await createTable(db, 'channel_state')
        .addColumn('account_id', bigint, (c) => c.notNull().references('accounts.id'))
        .addColumn('key', varchar(191), (c) => c.notNull())
        .addColumn('value', longText, (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .addPrimaryKeyConstraint('channel_state_pk', ['account_id', 'key'])
        .execute();
    },
  };
}
