// `parley accounts start-all | stop-all` write desired states for the reconcilers, from the command line.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { externalId, type AccountId } from '../src/domain/ids.js';
import { AccountRepository } from '../src/store/accounts.js';
import { openDatabase } from '../src/store/db.js';
import { runParley } from './support/cli.js';

describe('parley accounts', () => {
  it('stop-all and start-all change every account’s desired state, skipping accounts that never logged in', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-cli-accounts-'));
    const env = { DATA_DIR: path.join(dir, 'data') };
    expect((await runParley(['migrate'], env, dir)).code).toBe(0);
    const database = openDatabase({ dialect: 'sqlite', file: path.join(dir, 'data', 'parley.db') });
    const accounts = new AccountRepository(database);
    try {
      const shop = await accounts.insert({ type: 'simulator', title: 'Shop', desiredState: 'running', settings: {} });
      const sales = await accounts.insert({ type: 'user', title: 'Sales', desiredState: 'stopped', settings: {}, externalId: externalId('700100') });
      await accounts.setStatus(sales.id, { status: 'needs_reauth', reason: 'AUTH_KEY_UNREGISTERED', until: null });
      const fresh = await accounts.insert({ type: 'user', title: 'New phone', desiredState: 'stopped', settings: {} });

      const stopped = await runParley(['accounts', 'stop-all'], env, dir);
      expect(stopped).toMatchObject({ code: 0, stdout: `stopped account ${shop.id} "Shop" (simulator)\n1 stopped, 2 already stopped\n` });
      expect((await accounts.get(shop.id as AccountId)).desiredState).toBe('stopped');
      // Run again, it says that nothing changed.
      expect((await runParley(['accounts', 'stop-all'], env, dir)).stdout).toBe('nothing changed (3 already stopped)\n');

      const started = await runParley(['accounts', 'start-all'], env, dir);
      expect(started).toMatchObject({
        code: 0,
        stdout:
          `started account ${shop.id} "Shop" (simulator)\n` +
          `started account ${sales.id} "Sales" (user)\n` +
          `not started: account ${fresh.id} "New phone" (user) has not logged in yet\n` +
          '2 started, 0 already running\n',
      });
      expect((await accounts.get(shop.id)).desiredState).toBe('running');
      // a halted account gets another chance, as with POST /api/accounts/{id}/start/
      expect(await accounts.get(sales.id)).toMatchObject({ desiredState: 'running', status: 'stopped' });
      expect((await accounts.get(fresh.id)).desiredState).toBe('stopped');
      // Nothing left to start: it says so, and writes nothing (the audit below has no fourth entry).
      const again = await runParley(['accounts', 'start-all'], env, dir);
      expect(again.stdout).toBe(`not started: account ${fresh.id} "New phone" (user) has not logged in yet\nnothing changed (2 already running)\n`);
      const audit = await database.db.selectFrom('audit_log').select(['action', 'details']).orderBy('id').execute();
      expect(audit.map((a) => a.action)).toEqual(['account.stopped', 'account.started', 'account.started']);
      expect(audit.every((a) => a.details === '{"via":"cli"}')).toBe(true);


      const usage = await runParley(['accounts', 'restart-all'], env, dir);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toContain('usage: parley accounts start-all | stop-all');
      expect((await runParley(['--help'], env, dir)).stdout).toContain('accounts start-all');
    } finally {
      await database.close();
    }
  }, 120_000); // six CLI runs, each a child process (well under a second idle, several when busy)
});
