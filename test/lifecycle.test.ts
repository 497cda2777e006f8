// The server process as an operator runs it: `npm start` stops on SIGTERM or SIGINT and leaves no process behind,
// a shutdown is clean and quick also during and after a personal-account login, and a busy port is one clear line.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Api } from './support/api.js';
import { freePort, spawnParley } from './support/cli.js';
import { ChildOutput, exited, holdPort, isAlive, refusal, SilentServer } from './support/process.js';
import { TestSocket } from './support/socket.js';
import { API_HASH, API_ID } from './support/telegram-user.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ADMIN = { username: 'boss', password: 'boss-password-1' };
const workDir = () => mkdtempSync(path.join(tmpdir(), 'parley-process-'));

describe('the server process', () => {
  it('`npm start` stops on SIGTERM and on SIGINT, and no server process is left behind', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const dir = workDir();
      const port = await freePort();
      const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, DATA_DIR: path.join(dir, 'data'), PORT: String(port), LOG_LEVEL: 'info' };
      const npm = spawn('npm', ['start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const output = new ChildOutput(npm);
      let serverPid = 0;
      try {
        serverPid = (JSON.parse(await output.line(/Parley is listening/)) as { pid: number }).pid;
        expect(serverPid).not.toBe(npm.pid);
        expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);

        const signalled = Date.now();
        npm.kill(signal);
        expect(await exited(npm)).toEqual({ code: 0, signal: null });
        expect(Date.now() - signalled).toBeLessThan(10_000);
        await output.line(/"msg":"stopped"/);
        expect(isAlive(serverPid)).toBe(false);
      } finally {
        if (serverPid && isAlive(serverPid)) process.kill(serverPid, 'SIGKILL');
        npm.kill('SIGKILL');
      }
    }
  }, 300_000); // two builds and starts (each 20-70 s on a busy 2-core machine)

  it('a login while Telegram cannot be reached answers 503 within 15 s; SIGTERM during the next one stops cleanly within 10 s', async () => {
    const telegram = await SilentServer.start();
    const dir = workDir();
    const port = await freePort();
    const child = spawnParley(['start'], {
      DATA_DIR: path.join(dir, 'data'),
      PORT: String(port),
      TELEGRAM_DC_ADDRESS: `127.0.0.1:${telegram.port}`,
      TELEGRAM_API_ID: String(API_ID),
      TELEGRAM_API_HASH: API_HASH,
      PARLEY_ADMIN_USERNAME: ADMIN.username,
      PARLEY_ADMIN_PASSWORD: ADMIN.password,
    }, dir);
    const output = new ChildOutput(child);
    try {
      await output.line(/Parley is listening/);
      const url = `http://127.0.0.1:${port}`;
      const admin = await new Api(url).login(ADMIN.username, ADMIN.password);
      const socket = await TestSocket.connect(url, admin.token ?? '');

      const asked = Date.now();
      const refused = await admin.post('/api/accounts/authenticate/', { phone: '+15550001234' }).expect(503);
      expect(Date.now() - asked).toBeLessThan(15_000);
      expect(refused.body.error).toMatchObject({ code: 'channel_unavailable', details: { reason: 'TELEGRAM_UNREACHABLE' } });
      expect(telegram.connections).toBeGreaterThan(0);

      // the next login is waiting for Telegram (its client has connected) when the signal comes
      const connections = telegram.connections;
      const waiting = admin.post('/api/accounts/authenticate/', { phone: '+15550001234' });
      await telegram.connectionAfter(connections);
      const signalled = Date.now();
      child.kill('SIGTERM');
      expect(await exited(child)).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalled).toBeLessThan(10_000);
      expect((await waiting).status).toBe(503);
      expect((await socket.waitClosed()).code).toBe(1001);
      await output.line(/"msg":"stopped"/);
      expect(isAlive(child.pid ?? 0)).toBe(false);
    } finally {
      child.kill('SIGKILL');
      await telegram.close();
    }
  }, 180_000); // a child process, a 10 s login timeout, and a shutdown

  it('a port in use is one clear line and exit code 1, before anything starts', async () => {
    const held = await holdPort();
    const dir = workDir();
    try {
      const { exit, stderr } = await refusal(spawnParley(['start'], { DATA_DIR: path.join(dir, 'data'), PORT: String(held.port) }, dir));
      expect(exit).toEqual({ code: 1, signal: null });
      expect(stderr).toEqual([`parley: port ${held.port} on 127.0.0.1 is already in use: stop what runs there, or set PORT to another port`]);
      expect(existsSync(path.join(dir, 'data', 'parley.db'))).toBe(false);
    } finally {
      await held.release();
    }
  }, 120_000);
});
