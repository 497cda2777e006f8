import { loadConfig } from '../config.js';
import { openDatabase } from '../store/db.js';
import { migrateToLatest } from '../store/migrate.js';

export async function migrateCommand(): Promise<number> {
  const { config } = loadConfig();
  const database = openDatabase(config.database);
  try {
    const { applied } = await migrateToLatest(database);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
    return 0;
  } finally {
    await database.close();
  }
}
