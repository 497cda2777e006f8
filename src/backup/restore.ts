// `parley restore DIR`: a backup back into an empty DATA_DIR (and MEDIA_DIR), once SECRET_KEY is known to be the
// key that sealed its secrets; otherwise bot tokens and sessions would not open.
import path from 'node:path';
import { DirectoryBlobStore } from '../blobs/fs-store.js';
import type { Config } from '../config.js';
import type { Keys } from '../security/keys.js';
import { openDatabase } from '../store/db.js';
import { isEmptyMysql, restoreSqlite } from '../store/snapshot.js';
import { copyBlobs, makePrivateDir, requireAbsent, requireEmptyDir } from './folders.js';
import { BackupRefused, DATABASE_FILE, MEDIA_DIR, readManifest, type Manifest } from './manifest.js';

/** The secret key may already sit in DATA_DIR (where Parley looks for it when SECRET_KEY is unset). */
const ALLOWED_IN_DATA_DIR = ['secret-key'];

export async function restoreBackup(config: Config, keys: Keys, dir: string): Promise<Manifest> {
  const manifest = await readManifest(dir);
  if (manifest.secret_key_fingerprint !== keys.fingerprint()) {
    throw new BackupRefused(
      `SECRET_KEY is not the key this backup was made with (fingerprint ${manifest.secret_key_fingerprint.slice(0, 12)}…): ` +
        'its sealed secrets (bot tokens, sessions) would not open; set SECRET_KEY to that key',
    );
  }
  if (manifest.database.dialect !== config.database.dialect) {
    throw new BackupRefused(`this backup holds a ${manifest.database.dialect} database, but DATABASE_URL names ${config.database.dialect}`);
  }
  await refuseUnlessEmpty(config);
  await makePrivateDir(config.dataDir);
  await makePrivateDir(config.mediaDir);

  const saved = new DirectoryBlobStore(path.join(dir, MEDIA_DIR));
  const media = await copyBlobs(saved, new DirectoryBlobStore(config.mediaDir), saved.addresses());
  if (media.copied.size !== manifest.media.files) {
    throw new Error(`the backup should hold ${manifest.media.files} media files but holds ${media.copied.size}`);
  }
  if (config.database.dialect === 'sqlite') await restoreSqlite(path.join(dir, DATABASE_FILE), config.database.file);
  return manifest;
}

/** Everything checked before anything is written, so a refusal leaves no trace. */
async function refuseUnlessEmpty(config: Config): Promise<void> {
  await requireEmptyDir(config.dataDir, 'DATA_DIR', ALLOWED_IN_DATA_DIR);
  await requireEmptyDir(config.mediaDir, 'MEDIA_DIR');
  if (config.database.dialect === 'sqlite') {
    await requireAbsent(config.database.file, 'the database file');
    return;
  }
  const database = openDatabase(config.database);
  try {
    if (!(await isEmptyMysql(database.db))) throw new BackupRefused('the MySQL database DATABASE_URL names is not empty: restore into an empty one');
  } finally {
    await database.close();
  }
}
