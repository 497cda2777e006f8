// How many updates each account had to skip because they could never be stored (see ARCHITECTURE.md).
import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './builder.js';

export function skippedUpdates({ types }: MigrationContext): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('accounts')
        .addColumn('skipped_updates', types.bigint, (c) => c.notNull().defaultTo(0))
        .execute();
    },
  };
}
