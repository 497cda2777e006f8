// `parley backup DIR` and `parley restore DIR` (src/backup/): a refusal is one line and exit code 1. Neither ever
// makes up a secret key: a backup records the key that sealed its secrets, and only that key opens them.
import path from 'node:path';
import { createBackup } from '../backup/create.js';
import { BackupRefused, DUMP_FILE, type Manifest } from '../backup/manifest.js';
import { mysqldumpCommand, mysqlLoadCommand } from '../backup/mysql-note.js';
import { restoreBackup } from '../backup/restore.js';
import { loadConfig, type Config } from '../config.js';
import { Keys } from '../security/keys.js';

export const backupCommand = (argv: string[]) => run('backup', argv, createBackup, backupReport);
export const restoreCommand = (argv: string[]) => run('restore', argv, restoreBackup, restoreReport);

async function run(
  command: string,
  argv: string[],
  act: (config: Config, keys: Keys, dir: string) => Promise<Manifest>,
  report: (manifest: Manifest, config: Config, dir: string) => string[],
): Promise<number> {
  const dir = directoryArgument(command, argv);
  if (dir === undefined) return 2;
  const { config } = loadConfig(process.env, '.env', { createSecretKey: false });
  const manifest = await refusalsAsLines(() => act(config, new Keys(config.secretKey), dir));
  if (!manifest) return 1;
  process.stdout.write(`${report(manifest, config, dir).join('\n')}\n`);
  return 0;
}

function backupReport(manifest: Manifest, config: Config, dir: string): string[] {
  const { counts } = manifest.database;
  const lines = [
    `backup written to ${dir}: ${counts.messages} messages in ${counts.chats} chats, ${counts.accounts} accounts, ${counts.operators} operators, ${manifest.media.files} media files (${megabytes(manifest.media.bytes)})`,
    `the secret key is not in it: keep SECRET_KEY safe (fingerprint ${manifest.secret_key_fingerprint.slice(0, 12)}…), restore needs the same key`,
  ];
  if (config.database.dialect === 'mysql') {
    lines.push(`the MySQL database is not in it (see README.txt there); dump it with: ${mysqldumpCommand(config.database.url, path.join(dir, DUMP_FILE))}`);
  }
  if (manifest.media.missing.length > 0) {
    lines.push(`warning: ${manifest.media.missing.length} media files the database names were not in MEDIA_DIR (listed in manifest.json)`);
  }
  return lines;
}

function restoreReport(manifest: Manifest, config: Config, dir: string): string[] {
  const lines = [`restored the backup of ${manifest.created_at} into ${config.dataDir}: ${describe(manifest)}`];
  if (config.database.dialect === 'mysql') {
    lines.push(`now load the database dump into the empty database: ${mysqlLoadCommand(config.database.url, path.join(dir, DUMP_FILE))}`);
  }
  return lines;
}

function describe(manifest: Manifest): string {
  const { counts } = manifest.database;
  return `${counts.messages} messages, ${manifest.media.files} media files (${megabytes(manifest.media.bytes)})`;
}

function directoryArgument(command: string, argv: string[]): string | undefined {
  if (argv.length !== 1 || argv[0]?.startsWith('-')) {
    process.stderr.write(`usage: parley ${command} DIR\n`);
    return undefined;
  }
  return path.resolve(argv[0] ?? '');
}

async function refusalsAsLines<T>(run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof BackupRefused)) throw error;
    process.stderr.write(`parley: ${error.message}\n`);
    return undefined;
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
