import type { Database } from './db.js';
import { orUpdate } from './upsert.js';

/** Key → JSON value. Typed access and defaults live with whoever owns a setting (app/). */
export class SettingsRepository {
  constructor(private readonly database: Database) {}

  async getAll(): Promise<Map<string, unknown>> {
    const rows = await this.database.db.selectFrom('settings').select(['key', 'value']).execute();
    return new Map(rows.map((row) => [row.key, JSON.parse(row.value) as unknown]));
  }

  async set(key: string, value: unknown): Promise<void> {
    const change = { value: JSON.stringify(value), updated_at: Date.now() };
    const insert = this.database.db.insertInto('settings').values({ key, ...change });
    await orUpdate(this.database.dialect, insert, ['key'], change).execute();
  }
}
