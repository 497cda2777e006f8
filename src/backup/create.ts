// `parley backup DIR`: a consistent copy of a running Parley. SQLite: the database through its online backup API,
// then every media file the copy names. MySQL: the media files, and README.txt saying how to dump the database.
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DirectoryBlobStore } from '../blobs/fs-store.js';
import type { Config } from '../config.js';
import type { Keys } from '../security/keys.js';
import { openDatabase, type Db } from '../store/db.js';
import { appliedMigrations, mediaAddresses, openSnapshot, rowCounts, snapshotSqlite } from '../store/snapshot.js';
import { VERSION } from '../version.js';
import { copyBlobs, exists, makePrivateDir, requireEmptyDir } from './folders.js';
import { BackupRefused, DATABASE_FILE, DUMP_FILE, MEDIA_DIR, newManifest, writeManifest, type Manifest } from './manifest.js';
import { mysqlDumpNote } from './mysql-note.js';

export async function createBackup(config: Config, keys: Keys, dir: string): Promise<Manifest> {
  await requireEmptyDir(dir, 'the backup directory');
  if (config.database.dialect === 'sqlite' && !(await exists(config.database.file))) {
    throw new BackupRefused(`there is no database at ${config.database.file}: check DATA_DIR (or DATABASE_URL)`);
  }
  await makePrivateDir(dir);
  const live = new DirectoryBlobStore(config.mediaDir);
  const copy = new DirectoryBlobStore(path.join(dir, MEDIA_DIR));
  // Every file there now, before the database: a file that retention removes while the database is copied is
  // then still here when the copy names it. Files are put before the rows naming them, so the second pass
  // below finds every file a row of the snapshot names.
  const first = await copyBlobs(live, copy, live.addresses());
  const createdAt = new Date().toISOString();

  let database: Manifest['database'];
  let missing: string[] = [];
  let bytes = first.bytes;
  if (config.database.dialect === 'sqlite') {
    await snapshotSqlite(config.database.file, path.join(dir, DATABASE_FILE));
    const snapshot = openSnapshot(path.join(dir, DATABASE_FILE));
    try {
      database = { dialect: 'sqlite', file: DATABASE_FILE, ...(await describe(snapshot)) };
      const named = await mediaAddresses(snapshot);
      const second = await copyBlobs(live, copy, named.filter((address) => !first.copied.has(address)));
      second.copied.forEach((address) => first.copied.add(address));
      bytes += second.bytes;
      missing = second.missing;
    } finally {
      await snapshot.destroy();
    }
  } else {
    const { db, close } = openDatabase(config.database);
    try {
      database = { dialect: 'mysql', file: null, ...(await describe(db)) };
    } finally {
      await close();
    }
    await writeFile(path.join(dir, 'README.txt'), mysqlDumpNote(config.database.url, createdAt, DUMP_FILE), { mode: 0o600 });
  }
  await rm(path.join(dir, MEDIA_DIR, 'tmp'), { recursive: true, force: true });
  const manifest = newManifest({
    parley_version: VERSION,
    created_at: createdAt,
    secret_key_fingerprint: keys.fingerprint(),
    database,
    media: { files: first.copied.size, bytes, missing },
  });
  await writeManifest(dir, manifest);
  return manifest;
}

async function describe(db: Db): Promise<Pick<Manifest['database'], 'migrations' | 'counts'>> {
  return { migrations: await appliedMigrations(db), counts: await rowCounts(db) };
}
