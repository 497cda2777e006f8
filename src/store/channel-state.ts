import type { AccountId } from '../domain/ids.js';
import type { Database } from './db.js';
import { AccountWrites } from './fencing.js';
import { startsWith } from './like.js';
import { orUpdate } from './upsert.js';

/**
 * Per-account cursors and connector state (a bot's polling offset, MTProto update state). Implements
 * the ChannelState seam that connectors receive; values are strings (JSON or base64 for bytes). Writes are
 * acknowledgements of the account's source, so they go under its fence (a worker that lost it writes nothing).
 */
export class ChannelStateRepository {
  constructor(
    private readonly database: Database,
    private readonly writes = new AccountWrites(database),
  ) {}

  async get(accountId: AccountId, key: string): Promise<string | null> {
    const row = await this.database.db
      .selectFrom('channel_state')
      .select('value')
      .where('account_id', '=', accountId)
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.value ?? null;
  }

  async getAll(accountId: AccountId, keyPrefix = ''): Promise<Map<string, string>> {
    let query = this.database.db.selectFrom('channel_state').select(['key', 'value']).where('account_id', '=', accountId);
    if (keyPrefix) query = query.where(startsWith('key', keyPrefix));
    const rows = await query.execute();
    return new Map(rows.map((row) => [row.key, row.value]));
  }

  async set(accountId: AccountId, key: string, value: string): Promise<void> {
    const change = { value, updated_at: Date.now() };
    await this.writes.run(accountId, (db) =>
      orUpdate(this.database.dialect, db.insertInto('channel_state').values({ account_id: accountId, key, ...change }), ['account_id', 'key'], change).execute(),
    );
  }

  async delete(accountId: AccountId, key: string): Promise<void> {
    await this.writes.run(accountId, (db) => db.deleteFrom('channel_state').where('account_id', '=', accountId).where('key', '=', key).execute());
  }

  async deleteAll(accountId: AccountId, keyPrefix = ''): Promise<void> {
    await this.writes.run(accountId, async (db) => {
      let query = db.deleteFrom('channel_state').where('account_id', '=', accountId);
      if (keyPrefix) query = query.where(startsWith('key', keyPrefix));
      await query.execute();
    });
  }
}
