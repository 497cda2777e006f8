// `parley backup` and `parley restore` refuse what would lose or mix data, each with one clear line and exit code 1,
// and leave nothing behind when they do; on MySQL a backup holds the media and says how to dump the database.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DirectoryBlobStore } from '../src/blobs/fs-store.js';
import { runParley, type CliResult } from './support/cli.js';
import { DIALECTS, prepareDatabase } from './support/database.js';
import { tempDirs } from './support/temp-dirs.js';

const KEY = 'backup-cli-secret-key-backup-cli-secret-key';
const OTHER_KEY = 'another-secret-key-another-secret-key-another';

const workDir = tempDirs('backup-cli');

/** One line on stderr, nothing on stdout, exit code 1. */
function refusedWith(result: CliResult, words: string): void {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).toContain(words);
}

/** A SQLite Parley with a migrated database, a media file, and a backup of it. */
async function backedUp(): Promise<{ dir: string; backup: string }> {
  const dir = workDir();
  const env = { DATA_DIR: path.join(dir, 'data'), SECRET_KEY: KEY };
  expect((await runParley(['migrate'], env, dir)).code).toBe(0);
  await new DirectoryBlobStore(path.join(dir, 'data', 'media')).put(Readable.from([Buffer.from('a customer’s file')]));
  const backup = path.join(dir, 'backup');
  const made = await runParley(['backup', backup], env, dir);
  expect(made).toMatchObject({ code: 0, stderr: '' });
  return { dir, backup };
}

describe('parley backup and restore on SQLite', () => {
  it('backup refuses a non-empty directory and leaves it as it was', async () => {
    const dir = workDir();
    const target = path.join(dir, 'backup');
    mkdirSync(target);
    writeFileSync(path.join(target, 'notes.txt'), 'mine');
    const result = await runParley(['backup', target], { DATA_DIR: path.join(dir, 'data'), SECRET_KEY: KEY }, dir);
    refusedWith(result, `the backup directory ${target} is not empty (it holds notes.txt)`);
    expect(readdirSync(target)).toEqual(['notes.txt']);
    expect((await runParley(['backup'], { DATA_DIR: path.join(dir, 'data'), SECRET_KEY: KEY }, dir)).code).toBe(2);
  }, 120_000);

  it('backup refuses a DATA_DIR with no database, and never makes up a secret key', async () => {
    const dir = workDir();
    const empty = path.join(dir, 'nothing-here');
    const target = path.join(dir, 'backup');
    refusedWith(await runParley(['backup', target], { DATA_DIR: empty, SECRET_KEY: KEY }, dir), `there is no database at ${path.join(empty, 'parley.db')}`);
    expect(existsSync(target)).toBe(false);
    const noKey = await runParley(['backup', target], { DATA_DIR: empty }, dir);
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain('SECRET_KEY is not set');
    expect(existsSync(path.join(empty, 'secret-key'))).toBe(false);
  }, 120_000);

  it('a backup holds the database, the files and the key’s fingerprint, never the key; all owner-only', async () => {
    const { backup } = await backedUp();
    expect(readdirSync(backup).sort()).toEqual(['manifest.json', 'media', 'parley.db']);
    const manifest = readFileSync(path.join(backup, 'manifest.json'), 'utf8');
    expect(manifest).not.toContain(KEY);
    expect(JSON.parse(manifest)).toMatchObject({ format: 'parley-backup', version: 1, database: { dialect: 'sqlite', file: 'parley.db' }, media: { files: 1, missing: [] } });
    expect(readFileSync(path.join(backup, 'parley.db')).includes(Buffer.from(KEY))).toBe(false);
    expect(statSync(backup).mode & 0o777).toBe(0o700);
    for (const file of ['manifest.json', 'parley.db']) expect(statSync(path.join(backup, file)).mode & 0o777).toBe(0o600);
  }, 120_000);

  it('restore refuses a non-empty DATA_DIR, the wrong key, a missing key and a directory that is no backup', async () => {
    const { dir, backup } = await backedUp();
    const busy = path.join(dir, 'busy');
    mkdirSync(busy);
    writeFileSync(path.join(busy, 'parley.db'), '');
    refusedWith(await runParley(['restore', backup], { DATA_DIR: busy, SECRET_KEY: KEY }, dir), `DATA_DIR ${busy} is not empty (it holds parley.db)`);

    const fresh = path.join(dir, 'fresh');
    const wrongKey = await runParley(['restore', backup], { DATA_DIR: fresh, SECRET_KEY: OTHER_KEY }, dir);
    refusedWith(wrongKey, 'SECRET_KEY is not the key this backup was made with');
    expect(wrongKey.stderr).toContain('sealed secrets (bot tokens, sessions) would not open');
    expect(existsSync(fresh)).toBe(false);

    // no key configured: restore never makes one up (a new key would not open the backup's secrets)
    const noKey = await runParley(['restore', backup], { DATA_DIR: fresh }, dir);
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toContain('SECRET_KEY is not set');
    expect(existsSync(path.join(fresh, 'secret-key'))).toBe(false);

    const notBackup = path.join(dir, 'data');
    refusedWith(await runParley(['restore', notBackup], { DATA_DIR: fresh, SECRET_KEY: KEY }, dir), `${notBackup} is not a complete Parley backup: it has no manifest.json`);
    expect(existsSync(fresh)).toBe(false);
  }, 180_000);

  it('restore takes a DATA_DIR holding only the key file, and sets owner-only modes', async () => {
    const { dir, backup } = await backedUp();
    const target = path.join(dir, 'restored');
    mkdirSync(target, { mode: 0o755 });
    writeFileSync(path.join(target, 'secret-key'), `${KEY}\n`, { mode: 0o600 });
    const restored = await runParley(['restore', backup], { DATA_DIR: target }, dir);
    expect(restored).toMatchObject({ code: 0, stderr: '' });
    expect(restored.stdout).toContain(`into ${target}: 0 messages, 1 media files`);
    expect(statSync(target).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(target, 'parley.db')).mode & 0o777).toBe(0o600);
    const store = new DirectoryBlobStore(path.join(target, 'media'));
    const addresses: string[] = [];
    for await (const address of store.addresses()) addresses.push(address);
    expect(addresses).toHaveLength(1);
    expect(statSync(path.join(target, 'media', addresses[0]!)).mode & 0o777).toBe(0o600);
    expect((await runParley(['migrate'], { DATA_DIR: target }, dir)).stdout).toBe('database is up to date\n');
  }, 180_000);
});

describe.each(DIALECTS.filter((dialect) => dialect === 'mysql'))('parley backup and restore on %s', (dialect) => {
  it('a backup holds the media files and a note with the mysqldump command; restore wants an empty database', async () => {
    const dir = workDir();
    const database = await prepareDatabase(dialect, dir);
    const empty = await prepareDatabase(dialect, dir);
    try {
      const env = { DATA_DIR: path.join(dir, 'data'), SECRET_KEY: KEY, DATABASE_URL: database.url };
      expect((await runParley(['migrate'], env, dir)).code).toBe(0);
      await new DirectoryBlobStore(path.join(dir, 'data', 'media')).put(Readable.from([Buffer.from('a file on a shared volume')]));
      const backup = path.join(dir, 'backup');
      const made = await runParley(['backup', backup], env, dir);
      expect(made).toMatchObject({ code: 0, stderr: '' });
      const name = new URL(database.url).pathname.slice(1);
      expect(made.stdout).toContain(`mysqldump --single-transaction`);
      expect(readdirSync(backup).sort()).toEqual(['README.txt', 'manifest.json', 'media']);
      const note = readFileSync(path.join(backup, 'README.txt'), 'utf8');
      expect(note).toContain(`mysqldump --single-transaction --quick --routines --triggers --hex-blob --default-character-set=utf8mb4`);
      expect(note).toContain(` ${name} > database.sql`);
      const password = new URL(database.url).password;
      if (password) expect(note).not.toContain(password);
      expect(JSON.parse(readFileSync(path.join(backup, 'manifest.json'), 'utf8'))).toMatchObject({ database: { dialect: 'mysql', file: null }, media: { files: 1 } });

      const target = path.join(dir, 'restored');
      refusedWith(await runParley(['restore', backup], { ...env, DATA_DIR: target }, dir), 'the MySQL database DATABASE_URL names is not empty');
      expect(existsSync(target)).toBe(false);
      const restored = await runParley(['restore', backup], { ...env, DATA_DIR: target, DATABASE_URL: empty.url }, dir);
      expect(restored).toMatchObject({ code: 0, stderr: '' });
      expect(restored.stdout).toContain(`now load the database dump into the empty database: mysql --default-character-set=utf8mb4`);
      expect(readdirSync(path.join(target, 'media')).filter((entry) => entry !== 'tmp')).toHaveLength(1);
    } finally {
      await database.drop();
      await empty.drop();
    }
  }, 180_000);
});
