import type { Migration } from 'kysely';
import { migrationContext, type Dialect } from './builder.js';
import { coreTables } from './0001-core-tables.js';
import { mtprotoSessions } from './0002-mtproto-sessions.js';
import { skippedUpdates } from './0003-skipped-updates.js';
import { accountLeases } from './0004-account-leases.js';
import { historyImportProgress } from './0005-history-import-progress.js';
import { listIndexes } from './0006-list-indexes.js';

/** The one migration set, in order; names never change once released. */
export function migrations(dialect: Dialect): Record<string, Migration> {
  const context = migrationContext(dialect);
  return {
    '0001-core-tables': coreTables(context),
    '0002-mtproto-sessions': mtprotoSessions(context),
    '0003-skipped-updates': skippedUpdates(context),
    '0004-account-leases': accountLeases(context),
    '0005-history-import-progress': historyImportProgress(context),
    '0006-list-indexes': listIndexes(context),
  };
}
