// manifest.json: what a backup holds, written last (its presence marks a complete backup) and checked by restore.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RowCounts } from '../store/snapshot.js';

export const MANIFEST_FILE = 'manifest.json';
export const DATABASE_FILE = 'parley.db';
export const DUMP_FILE = 'database.sql';
export const MEDIA_DIR = 'media';
const FORMAT = 'parley-backup';
const VERSION = 1;

export interface Manifest {
  format: typeof FORMAT;
  version: typeof VERSION;
  parley_version: string;
  created_at: string;
  /** Keys.fingerprint() of the SECRET_KEY that sealed the backup's secrets (never the key). */
  secret_key_fingerprint: string;
  database: {
    dialect: 'sqlite' | 'mysql';
    /** The snapshot in the backup (SQLite), or null: a MySQL database is dumped with mysqldump (README.txt). */
    file: string | null;
    migrations: string[];
    /** Rows in the snapshot (SQLite), or in the live database when the media were copied (MySQL). */
    counts: RowCounts;
  };
  media: {
    files: number;
    bytes: number;
    /** Files the database names that were not in the media store when the backup was made. */
    missing: string[];
  };
}

/** A backup that cannot be made or restored, for a reason the person running the command can act on. */
export class BackupRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupRefused';
  }
}

export function newManifest(fields: Omit<Manifest, 'format' | 'version'>): Manifest {
  return { format: FORMAT, version: VERSION, ...fields };
}

export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  await writeFile(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
}

export async function readManifest(dir: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(path.join(dir, MANIFEST_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new BackupRefused(`${dir} is not a complete Parley backup: it has no ${MANIFEST_FILE}`);
  }
  let manifest: Partial<Manifest>;
  try {
    manifest = JSON.parse(text) as Partial<Manifest>;
  } catch {
    throw new BackupRefused(`${path.join(dir, MANIFEST_FILE)} is not valid JSON`);
  }
  if (manifest.format !== FORMAT) throw new BackupRefused(`${dir} is not a Parley backup (${MANIFEST_FILE} has no format "${FORMAT}")`);
  if (manifest.version !== VERSION) throw new BackupRefused(`this backup has format version ${String(manifest.version)}; this Parley reads version ${VERSION}`);
  if (typeof manifest.secret_key_fingerprint !== 'string' || !manifest.database || !manifest.media) {
    throw new BackupRefused(`${path.join(dir, MANIFEST_FILE)} is incomplete`);
  }
  return manifest as Manifest;
}
