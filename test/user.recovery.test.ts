// A personal account across restarts and failures: what was sent while Parley was down is stored once (also
// when Telegram serves it twice), an update that could not be stored is never acknowledged, a lost
// connection shows on the account and is caught up after, and a crash with updates still waiting in the
// ingest queue loses nothing and doubles nothing.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { openDatabase, type Database } from '../src/store/db.js';
import { serveChild } from './fakes/mtproto/remote.js';
import { ChildMessages, ChildOutput, exited } from './support/process.js';
import { STACKS } from './support/server.js';
import type { TestSocket } from './support/socket.js';
import { chatWith, logIn, messagesOf, untilAccount, UserServer } from './support/telegram-user.js';
import type { ChildReport } from './support/user-process.js';

const USER_PROCESS = fileURLToPath(new URL('./support/user-process.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

interface StateRow {
  key: string;
  value: string;
}

describe.each(STACKS)('a personal account recovering on $name', (stack) => {
  let server: UserServer;
  beforeAll(async () => {
    server = await UserServer.start(stack);
  });
  afterAll(async () => {
    await server?.close();
  });

  const kv = (database: Database = server.parley.database) =>
    database.db.withTables<{ mtproto_kv: { account_id: number; key: string; value: string } }>();
  const updateState = (database: Database, accountId: number): Promise<StateRow[]> =>
    kv(database).selectFrom('mtproto_kv').select(['key', 'value']).where('account_id', '=', accountId).where('key', 'like', 'updates_%').execute();
  const storedPts = async (database: Database, accountId: number): Promise<number> => {
    const row = (await updateState(database, accountId)).find((r) => r.key === 'updates_pts');
    return row ? Buffer.from(row.value, 'base64').readInt32LE(0) : 0;
  };
  const texts = async (accountId: number, userId: number) => (await messagesOf(server.admin, (await chatWith(server.admin, accountId, userId)).id)).map((m) => m.text);

  it('stores once what customers sent while Parley was down, also when Telegram serves it twice', async () => {
    const { account, telegram } = await logIn(server);
    const alice = telegram.addCustomer({ firstName: 'Alice' });
    const bob = telegram.addCustomer({ firstName: 'Bob' });
    let socket = await server.socket();
    alice.sendText('before the restart');
    await socket.until((f) => f.type === 'message.created');
    socket.close();

    let snapshot: StateRow[] = [];
    let ptsBefore = 0;
    let mark = 0;
    await server.restart(async (database) => {
      ptsBefore = await storedPts(database, account.id);
      snapshot = await updateState(database, account.id);
      mark = telegram.calls.mark();
      alice.sendText('while you were away');
      alice.sendMedia({ kind: 'voice', bytes: new Uint8Array(20), duration: 1 });
      bob.sendText('me too');
    });
    socket = await server.socket();
    await eventually(socket, async () => (await server.admin.get(`/api/messages/?limit=10`).expect(200)).body.results.length === 4);
    expect(await texts(account.id, alice.id)).toEqual(['before the restart', 'while you were away', null]);
    expect(await texts(account.id, bob.id)).toEqual(['me too']);
    expect((await telegram.waitForCall('updates.getDifference', undefined, { since: mark })).pts).toBe(ptsBefore);
    socket.close();

    // a crash before the state was saved: the stored state is the old one, and Telegram sends it all again
    let again = 0;
    await server.restart(async (database) => {
      expect(await storedPts(database, account.id)).toBe(telegram.state.log.currentPts);
      again = telegram.calls.mark();
      for (const row of snapshot) await kv(database).updateTable('mtproto_kv').set({ value: row.value }).where('account_id', '=', account.id).where('key', '=', row.key).execute();
    });
    socket = await server.socket();
    await telegram.whenListening();
    alice.sendText('sentinel');
    expect((await socket.until((f) => f.type === 'message.created')).data.text).toBe('sentinel');
    expect((await telegram.waitForCall('updates.getDifference', undefined, { since: again })).pts).toBe(ptsBefore);
    expect(await texts(account.id, alice.id)).toEqual(['before the restart', 'while you were away', null, 'sentinel']);
    expect(await texts(account.id, bob.id)).toEqual(['me too']);
    socket.close();
  });

  it('never saves the update state past an update that could not be stored; after a restart it is fetched again', async () => {
    const { account, telegram } = await logIn(server);
    const carol = telegram.addCustomer({ firstName: 'Carol' });
    const socket = await server.socket();
    carol.sendText('fine');
    const finePts = telegram.state.log.currentPts;
    await socket.until((f) => f.type === 'message.created');

    await poison(server, 'poison');
    try {
      carol.sendText('poison');
      const poisonPts = telegram.state.log.currentPts;
      carol.sendText('after the poison');
      const failed = await untilAccount(socket, account.id, (a) => a.status === 'connecting');
      expect(failed.data.status_reason).toContain('an update could not be stored');
      await server.restart(async (database) => {
        // everything the client did is settled now: the stored state stops before the failed update
        const pts = await storedPts(database, account.id);
        expect(pts).toBeGreaterThanOrEqual(finePts);
        expect(pts).toBeLessThan(poisonPts);
        await cure(database);
      });
    } finally {
      await cure(server.parley.database);
    }
    const live = await server.socket();
    await telegram.whenListening();
    carol.sendText('sentinel');
    await live.until((f) => f.type === 'message.created' && f.data.text === 'sentinel');
    expect(await texts(account.id, carol.id)).toEqual(['fine', 'poison', 'after the poison', 'sentinel']);
    socket.close();
    live.close();
  });

  it('a dropped connection shows as connecting with the last error; once reconnected, what came meanwhile is caught up once', async () => {
    const { account, telegram } = await logIn(server);
    const dora = telegram.addCustomer({ firstName: 'Dora' });
    const socket = await server.socket();
    dora.sendText('before the drop');
    await socket.until((f) => f.type === 'message.created' && f.data.text === 'before the drop');

    const stub = server.telegram.latestStub(telegram.owner.phone ?? '');
    stub.dropConnection(new Error('read ECONNRESET'));
    const lost = await untilAccount(socket, account.id, (a) => a.status === 'connecting');
    expect(lost.data.status_reason).toBe('connection to Telegram lost (read ECONNRESET); reconnecting');
    // sent while the connection is down: never pushed, only kept by Telegram
    dora.sendText('while you were gone');
    dora.sendMedia({ kind: 'voice', bytes: new Uint8Array(20), duration: 1 });
    const mark = telegram.calls.mark();

    stub.reconnect();
    await untilAccount(socket, account.id, (a) => a.status === 'active' && a.status_reason === null);
    dora.sendText('back again');
    await socket.until((f) => f.type === 'message.created' && f.data.text === 'back again');
    await telegram.waitForCall('updates.getDifference', undefined, { since: mark });
    expect(await texts(account.id, dora.id)).toEqual(['before the drop', 'while you were gone', null, 'back again']);
    // nothing twice: a sentinel is the next message pushed
    dora.sendText('sentinel');
    expect((await socket.until((f) => f.type === 'message.created')).data.text).toBe('sentinel');
    expect(await texts(account.id, dora.id)).toEqual(['before the drop', 'while you were gone', null, 'back again', 'sentinel']);
    socket.close();
  });
});

describe.each(STACKS)('a personal account whose process is killed on $name', (stack) => {
  let server: UserServer;
  beforeAll(async () => {
    server = await UserServer.start(stack);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('killed with updates waiting in the ingest queue: nothing is acknowledged past them, and after a restart each is stored once', async () => {
    const { account, telegram } = await logIn(server);
    const erin = telegram.addCustomer({ firstName: 'Erin' });
    const socket = await server.socket();
    erin.sendText('one');
    await socket.until((f) => f.type === 'message.created' && f.data.text === 'one');
    socket.close();
    await server.shutdown();

    // the same data served by another process, whose ingest of "two" stalls: "three" and "four" queue up behind it
    const child = fork(USER_PROCESS, [], {
      cwd: server.env.DATA_DIR,
      env: { PATH: process.env.PATH ?? '', ...server.env, PARLEY_TEST_HOLD: 'two' },
      execArgv: ['--import', TSX],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const output = new ChildOutput(child);
    const reports = new ChildMessages<ChildReport>(child);
    serveChild(child, telegram);
    let twoPts: number;
    try {
      await telegram.whenListening();
      erin.sendText('two');
      twoPts = telegram.state.log.currentPts;
      erin.sendText('three');
      erin.sendText('four');
      const fourPts = telegram.state.log.currentPts;
      await reports.until((r) => r.kind === 'held' && r.text === 'two');
      // mtcute has dispatched everything up to "four" (it saves the state only after dispatching)
      await reports.until((r) => r.kind === 'state' && r.pts >= fourPts);
      child.kill('SIGKILL');
      expect(await exited(child)).toEqual({ code: null, signal: 'SIGKILL' });
    } catch (error) {
      throw new Error(`${String(error)}\n${output.text}`, { cause: error });
    } finally {
      child.kill('SIGKILL');
    }

    const database = openDatabase(parseConfig(server.env).config.database);
    try {
      expect(await storedPtsOf(database, account.id)).toBeLessThan(twoPts);
    } finally {
      await database.close();
    }
    await server.boot();
    const live = await server.socket();
    await telegram.whenListening();
    erin.sendText('five');
    await live.until((f) => f.type === 'message.created' && f.data.text === 'five');
    const chat = await chatWith(server.admin, account.id, erin.id);
    expect((await messagesOf(server.admin, chat.id)).map((m) => m.text)).toEqual(['one', 'two', 'three', 'four', 'five']);
    live.close();
  }, 120_000); // a child process loading the app through tsx takes a while on a busy machine
});

describe('a personal account when Telegram cannot be reached', () => {
  let server: UserServer;
  beforeAll(async () => {
    // production's own mtcute client over TCP, pointed at a port where nothing listens
    server = await UserServer.start(STACKS[0] ?? { name: 'sqlite', dialect: 'sqlite', redis: false }, {
      env: { TELEGRAM_DC_ADDRESS: '127.0.0.1:9' },
      parley: { telegramUser: { clients: undefined } },
      timeoutMs: 1000,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('shows connecting with the network error and keeps trying', async () => {
    const socket = await server.socket();
    const { body } = await server.admin.post('/api/accounts/authenticate/', { phone: '+15550007777' }).expect(503);
    expect(body.error.message).toContain('ECONNREFUSED');
    // an account whose session exists (added before the network went away) is started by the runtime
    const { AccountRepository } = await import('../src/store/accounts.js');
    const account = await new AccountRepository(server.parley.database).insert({ type: 'user', title: 'Offline', desiredState: 'running', settings: {}, phone: '15550007777' });
    await server.parley.runtime?.reconcile(account.id);
    const connecting = await untilAccount(socket, account.id, (a) => a.status === 'connecting' && a.status_reason !== null);
    expect(connecting.data.status_reason).toMatch(/^cannot reach Telegram: .*ECONNREFUSED/);
    expect(server.parley.runtime?.isRunning(account.id)).toBe(true);
    socket.close();
  });
});

/** Waits, frame by frame, until `check` holds (it is checked first: what happened before the socket opened counts). */
async function eventually(socket: TestSocket, check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await socket.next();
}

/** Makes the database refuse to store a message with this text, as a failing disk or a constraint would. */
async function poison(server: UserServer, text: string): Promise<void> {
  const db = server.parley.database.db;
  if (server.stack.dialect === 'sqlite') {
    await sql.raw(`CREATE TRIGGER poison BEFORE INSERT ON messages WHEN NEW.text = '${text}' BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`).execute(db);
  } else {
    await sql
      .raw(`CREATE TRIGGER poison BEFORE INSERT ON messages FOR EACH ROW BEGIN IF NEW.text = '${text}' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'disk on fire'; END IF; END`)
      .execute(db);
  }
}

async function cure(database: Database): Promise<void> {
  await sql.raw('DROP TRIGGER IF EXISTS poison').execute(database.db);
}

async function storedPtsOf(database: Database, accountId: number): Promise<number> {
  const row = await database.db
    .withTables<{ mtproto_kv: { account_id: number; key: string; value: string } }>()
    .selectFrom('mtproto_kv')
    .select('value')
    .where('account_id', '=', accountId)
    .where('key', '=', 'updates_pts')
    .executeTakeFirst();
  return row ? Buffer.from(row.value, 'base64').readInt32LE(0) : 0;
}
