import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChatStatus } from '../src/domain/chat.js';
import { externalId, type OperatorId } from '../src/domain/ids.js';
import { AccountRepository } from '../src/store/accounts.js';
import { ChatRepository } from '../src/store/chats.js';
import { migrations } from '../src/store/migrations/index.js';
import { openDatabase, type Database } from '../src/store/db.js';
import { OperatorRepository } from '../src/store/operators.js';
import { Api } from './support/api.js';
import { freePort, runParley, spawnParley, waitForHttp } from './support/cli.js';

const workDir = () => mkdtempSync(path.join(tmpdir(), 'parley-cli-'));

describe('the parley command', () => {
  it('explains itself with --help', async () => {
    const { code, stdout } = await runParley(['--help'], {}, workDir());
    expect(code).toBe(0);
    for (const command of ['start', 'migrate', 'operator create', 'operator list', 'backup DIR', 'restore DIR']) expect(stdout).toContain(command);
    const unknown = await runParley(['launch'], {}, workDir());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "launch"');
  }, 120_000); // generous: a machine busy with other tests slows every child process

  it('refuses bad configuration with one readable message and exit code 1', async () => {
    const dir = workDir();
    const { code, stderr } = await runParley(['migrate'], { DATA_DIR: dir, PORT: 'abc', LOG_LEVEL: 'loud' }, dir);
    expect(code).toBe(1);
    expect(stderr).toContain('Invalid configuration:');
    expect(stderr).toContain('PORT must be a whole number');
    expect(stderr).toContain('LOG_LEVEL must be one of');
    expect(stderr).not.toContain('    at ');
  }, 60_000);

  it('parley worker and parley api refuse to start without MySQL and Redis, in one line', async () => {
    for (const role of ['worker', 'api']) {
      const dir = workDir();
      const { code, stderr } = await runParley([role], { DATA_DIR: dir, SECRET_KEY: 'k'.repeat(32) }, dir);
      expect(code).toBe(1);
      expect(stderr).toBe(
        `parley: Invalid configuration: PARLEY_ROLE=${role} needs MySQL and Redis shared with the other processes: set DATABASE_URL=mysql://… and REDIS_URL=redis://…\n`,
      );
    }
  }, 60_000);

  it('migrates, creates operators (password from stdin) and lists them', async () => {
    const dir = workDir();
    const env = { DATA_DIR: path.join(dir, 'data') };
    const migrated = await runParley(['migrate'], env, dir);
    const every = Object.keys(migrations('sqlite')); // the whole set, in order (it grows with each feature's migration)
    expect(every.slice(0, 3)).toEqual(['0001-core-tables', '0002-mtproto-sessions', '0003-skipped-updates']);
    expect(migrated).toMatchObject({ code: 0, stdout: `applied: ${every.join(', ')}\n` });
    expect((await runParley(['migrate'], env, dir)).stdout).toBe('database is up to date\n');

    const created = await runParley(['operator', 'create', '--username', 'Boss', '--role', 'admin'], env, dir, 'boss-password\n');
    expect(created).toMatchObject({ code: 0, stdout: 'created admin "boss" (id 1)\n' });
    await runParley(
      ['operator', 'create', '--username', 'anna', '--password', 'anna-password', '--display-name', 'Анна', '--max-active-chats', '3'],
      env,
      dir,
    );
    const duplicate = await runParley(['operator', 'create', '--username', 'BOSS', '--password', 'whatever-1'], env, dir);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('username "boss" is already taken');
    const badRole = await runParley(['operator', 'create', '--username', 'x', '--password', 'password-1', '--role', 'root'], env, dir);
    expect(badRole).toMatchObject({ code: 1 });
    expect(badRole.stderr).toContain('--role must be one of admin, operator');

    const database = openDatabase({ dialect: 'sqlite', file: path.join(dir, 'data', 'parley.db') });
    try {
      await assignChats(database, 2 as OperatorId, ['open', 'pending', 'resolved']);
      await new OperatorRepository(database).update(1 as OperatorId, { isActive: false });
    } finally {
      await database.close();
    }

    const listed = await runParley(['operator', 'list'], env, dir);
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+USERNAME\s+ROLE\s+STATE\s+CHATS\s+LIMIT\s+NAME$/);
    // Anna's load counts her open and pending chats, not the resolved one; the boss has no limit; boss is deactivated.
    expect(lines[1]).toMatch(/^1\s+boss\s+admin\s+inactive\s+0\s+none\s+boss$/);
    expect(lines[2]).toMatch(/^2\s+anna\s+operator\s+active\s+2\s+3\s+Анна$/);
  }, 120_000); // seven CLI runs, each a child process (well under a second idle, several when busy)

  /** Chats of a new simulator account, assigned to `operatorId`, one per status. */
  async function assignChats(database: Database, operatorId: OperatorId, statuses: ChatStatus[]): Promise<void> {
    const account = await new AccountRepository(database).insert({ type: 'simulator', title: 'Shop', desiredState: 'stopped', settings: {} });
    const chats = new ChatRepository(database);
    for (const [i, status] of statuses.entries()) {
      const { chat } = await chats.insert(database.db, {
        accountId: account.id,
        externalId: externalId(String(100 + i)),
        type: 'private',
        title: `Customer ${i}`,
        contactId: null,
        at: Date.now(),
      });
      await chats.update(database.db, chat.id, { assigneeId: operatorId, status });
    }
  }

  it('start on a fresh machine: serves health, creates an admin whose password is in a 0600 file, stops on SIGTERM', async () => {
    const dir = workDir();
    const port = await freePort();
    const child = spawnParley(['start'], { DATA_DIR: path.join(dir, 'data'), PORT: String(port) }, dir);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitForHttp(`http://127.0.0.1:${port}/api/health`, child, 90_000);
      const passwordFile = path.join(dir, 'data', 'initial-admin-password');
      expect(statSync(passwordFile).mode & 0o777).toBe(0o600);
      const password = readFileSync(passwordFile, 'utf8').trim();
      expect(output).toContain(passwordFile);
      expect(output).not.toContain(password);
      const admin = await new Api(`http://127.0.0.1:${port}`).login('admin', password);
      await admin.get('/api/me/').expect(200);
      expect(existsSync(path.join(dir, 'data', 'parley.db'))).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(code).toBe(0);
    expect(output).toContain('"msg":"stopped"');
  }, 120_000);
});
