// Where a personal account's history import stands (chats done of the total), while one runs: shown as a bar.
import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './builder.js';

export function historyImportProgress({ types }: MigrationContext): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // one column per statement: SQLite adds only one at a time
      await db.schema.alterTable('accounts').addColumn('history_import_done', types.bigint).execute();
      await db.schema.alterTable('accounts').addColumn('history_import_total', types.bigint).execute();
    },
  };
}
