// Account ownership across worker processes: one lease row per account (owner, expiry, fencing token) and one
// heartbeat row per live worker (see docs/ARCHITECTURE.md, "Leases").
import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './builder.js';

export function accountLeases({ createTable, types }: MigrationContext): Migration {
  const { bigint } = types;
  return {
    async up(db: Kysely<unknown>) {
      await createTable(db, 'account_leases')
        .addColumn('account_id', bigint, (c) => c.primaryKey().references('accounts.id'))
        // the worker holding it (a process id); null once released
        .addColumn('owner', 'varchar(64)')
        // incremented at every take-over: writes carrying an older token are refused
        .addColumn('token', bigint, (c) => c.notNull().defaultTo(0))
        .addColumn('expires_at', bigint, (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('account_leases_owner').on('account_leases').column('owner').execute();

      await createTable(db, 'workers')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('started_at', bigint, (c) => c.notNull())
        .addColumn('expires_at', bigint, (c) => c.notNull())
        .execute();
    },
  };
}
