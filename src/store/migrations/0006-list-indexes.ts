// Indexes that read every inbox list in its order (last activity, then id) at 100,000 chats, so a page stops after
// its rows instead of sorting all that match: a tab (assignee) with a status, every chat with a status, one
// account's chats. (assignee, status) goes: both planners chose it for "status = …" and then sorted all of an
// assignee's chats (or every unassigned one); its other readers (an operator's load, the waiting chats) read the
// assignee prefix of the new one just as well.
import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './builder.js';

export function listIndexes({ dialect }: MigrationContext): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const index = (name: string, columns: string[]) => db.schema.createIndex(name).on('chats').columns(columns).execute();
      await index('chats_assignee_status_activity', ['assignee_id', 'status', 'last_activity_at', 'id']);
      await index('chats_status_activity', ['status', 'last_activity_at', 'id']);
      await index('chats_account_activity', ['account_id', 'last_activity_at', 'id']);
      const drop = db.schema.dropIndex('chats_assignee_status');
      await (dialect === 'mysql' ? drop.on('chats') : drop).execute();
    },
  };
}
