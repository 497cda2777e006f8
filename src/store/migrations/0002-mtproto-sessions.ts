// Personal-account sessions (mtcute's storage) on our database, one set of rows per account: auth keys and
// key-value entries (sealed with SecretBox), the peer cache with its username index, and message references.
import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './builder.js';

export function mtprotoSessions({ createTable, types }: MigrationContext): Migration {
  const { bigint, longText, text } = types;
  const varchar = (length: number) => `varchar(${length})` as const;

  return {
    async up(db: Kysely<unknown>) {
      await createTable(db, 'mtproto_auth_keys')
        .addColumn('account_id', bigint, (c) => c.notNull().references('accounts.id'))
        .addColumn('dc', 'integer', (c) => c.notNull())
        // -1 for the permanent key of the data centre, 0… for temporary keys
        .addColumn('idx', 'integer', (c) => c.notNull())
        .addColumn('auth_key', text, (c) => c.notNull())
        .addColumn('expires_at', bigint)
        .addPrimaryKeyConstraint('mtproto_auth_keys_pk', ['account_id', 'dc', 'idx'])
        .execute();

      await createTable(db, 'mtproto_kv')
        .addColumn('account_id', bigint, (c) => c.notNull().references('accounts.id'))
        .addColumn('key', varchar(191), (c) => c.notNull())
        .addColumn('value', longText, (c) => c.notNull())
        .addColumn('updated_at', bigint, (c) => c.notNull())
        .addPrimaryKeyConstraint('mtproto_kv_pk', ['account_id', 'key'])
        .execute();

      await createTable(db, 'mtproto_peers')
        .addColumn('account_id', bigint, (c) => c.notNull().references('accounts.id'))
        .addColumn('peer_id', bigint, (c) => c.notNull())
        .addColumn('access_hash', varchar(32), (c) => c.notNull())
        .addColumn('is_min', 'smallint', (c) => c.notNull())
        .addColumn('usernames', text, (c) => c.notNull())
        .addColumn('phone', varchar(32))
        .addColumn('updated', bigint, (c) => c.notNull())
        .addColumn('complete', longText, (c) => c.notNull())
        .addPrimaryKeyConstraint('mtproto_peers_pk', ['account_id', 'peer_id'])
        .execute();
      await db.schema.createIndex('mtproto_peers_phone').on('mtproto_peers').columns(['account_id', 'phone']).execute();

      await createTable(db, 'mtproto_usernames')
        .addColumn('account_id', bigint, (c) => c.notNull().references('accounts.id'))
        .addColumn('username', varchar(64), (c) => c.notNull())
        .addColumn('peer_id', bigint, (c) => c.notNull())
        .addPrimaryKeyConstraint('mtproto_usernames_pk', ['account_id', 'username'])
        .execute();

      await createTable(db, 'mtproto_ref_messages')
        .addColumn('account_id', bigint, (c) => c.notNull().references('accounts.id'))
        .addColumn('peer_id', bigint, (c) => c.notNull())
        .addColumn('chat_id', bigint, (c) => c.notNull())
        .addColumn('msg_id', bigint, (c) => c.notNull())
        .addPrimaryKeyConstraint('mtproto_ref_messages_pk', ['account_id', 'peer_id', 'chat_id', 'msg_id'])
        .execute();
      await db.schema
        .createIndex('mtproto_ref_messages_chat')
        .on('mtproto_ref_messages')
        .columns(['account_id', 'chat_id', 'msg_id'])
        .execute();
    },
  };
}
