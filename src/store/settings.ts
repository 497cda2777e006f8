import type { Database } from './db.js';

/** Key → JSON value. Typed access and defaults live with whoever owns a setting (app/). */
export class SettingsRepository {
  constructor(private readonly database: Database) {}

  async getAll(): Promise<Map<string, unknown>> {
    const rows = await this.database.db.selectFrom('settings').select(['key', 'value']).execute();
    return new Map(rows.map((row) => [row.key, JSON.parse(row.value) as unknown]));
  }

  async set(key: string, value: unknown): Promise<void> {
    const json = JSON.stringify(value);
    const now = Date.now();
    const db = this.database.db;
    const updated = await db.updateTable('settings').set({ value: json, updated_at: now }).where('key', '=', key).executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) return;
    // Two first writers may race: the loser's insert conflicts, and its update then wins.
    try {
      await db.insertInto('settings').values({ key, value: json, updated_at: now }).execute();
    } catch {
      await db.updateTable('settings').set({ value: json, updated_at: now }).where('key', '=', key).execute();
    }
  }
}
