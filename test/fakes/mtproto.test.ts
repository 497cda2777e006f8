// The fake Telegram drives mtcute's real TelegramClient: login, live updates, sending, media, catch-up.
import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Long, MemoryStorage, networkMiddlewares, tl } from '@mtcute/core';
import type { TelegramClient } from '@mtcute/core/client.js';
import { SqliteStorage, TelegramClient as NodeTelegramClient } from '@mtcute/node';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FakeTelegramServer,
  StubTelegramClient,
  type CreateClientOptions,
  type FakeTelegramOptions,
  type MediaSpec,
} from './mtproto/index.js';

interface Subscribable<T> {
  add(listener: (value: T) => void): void;
  remove(listener: (value: T) => void): void;
}

/** The next event matching `predicate`; subscribe before causing it. */
function next<T>(emitter: Subscribable<T>, predicate: (value: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const listener = (value: T): void => {
      if (!predicate(value)) return;
      emitter.remove(listener);
      resolve(value);
    };
    emitter.add(listener);
  });
}

/** The next `count` events, in arrival order. */
function collect<T>(emitter: Subscribable<T>, count: number): Promise<T[]> {
  const seen: T[] = [];
  return next(emitter, (value) => seen.push(value) >= count).then(() => seen);
}

const clients: TelegramClient[] = [];
const servers: FakeTelegramServer[] = [];
afterEach(async () => {
  for (const tg of clients.splice(0)) {
    const stub = tg._client;
    // nothing may reach mtcute's network layer: the transport was never dialled
    if (stub instanceof StubTelegramClient) expect(stub.dialled).toBe(0);
    await tg.destroy();
  }
  // every method mtcute called in these stories has an answer in the fake
  for (const server of servers.splice(0)) expect(server.unhandled).toEqual([]);
});

function serverWith(options: FakeTelegramOptions = {}): FakeTelegramServer {
  const server = new FakeTelegramServer(options);
  servers.push(server);
  return server;
}

function clientOf(server: FakeTelegramServer, options: Partial<CreateClientOptions> = {}): TelegramClient {
  const tg = server.createClient({ storage: new MemoryStorage(), ...options });
  clients.push(tg);
  return tg;
}

async function loggedIn(
  options: FakeTelegramOptions = {},
  clientOptions: Partial<CreateClientOptions> = {},
): Promise<{ server: FakeTelegramServer; tg: TelegramClient }> {
  const server = serverWith(options);
  const tg = clientOf(server, clientOptions);
  await tg.start({ phone: server.owner.phone ?? '', code: () => server.login.code, codeSentCallback: () => {} });
  await server.whenListening();
  return { server, tg };
}

async function rpcErrorOf(promise: Promise<unknown>): Promise<tl.RpcError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!tl.RpcError.is(error)) throw new Error(`expected an RpcError, got ${String(error)}`);
  return error;
}

describe('logging in', () => {
  it('signs in with phone and code, and getMe answers afterwards', async () => {
    const { server, tg } = await loggedIn();
    expect((await tg.getMe()).id).toBe(server.owner.id);
    expect(server.calls.methods()).toEqual(expect.arrayContaining(['auth.sendCode', 'auth.signIn', 'updates.getState']));
  });

  it('runs @mtcute/node’s TelegramClient on the stub as well', async () => {
    const server = serverWith();
    const tg = new NodeTelegramClient({ client: server.createStub({ storage: new MemoryStorage() }) });
    clients.push(tg);
    // node's start() prompts on stdin for anything missing, so a server passes every parameter
    const me = await tg.start({ phone: '15550001111', code: '12345', password: 'unused', codeSentCallback: () => {} });
    expect(me.id).toBe(server.owner.id);
  });

  it('signs in with a 2FA password through mtcute’s real SRP computation', async () => {
    const server = serverWith({ password: 'correct horse', passwordHint: 'horse' });
    const tg = clientOf(server);
    const me = await tg.start({ phone: '15550001111', code: '12345', password: 'correct horse', codeSentCallback: () => {} });
    expect(me.id).toBe(server.owner.id);
    const [check] = server.calls.of('auth.checkPassword');
    expect(check?.password._).toBe('inputCheckPasswordSRP');
  });

  it('rejects a wrong 2FA password with PASSWORD_HASH_INVALID, then accepts the right one', async () => {
    const server = serverWith({ password: 'correct horse' });
    const tg = clientOf(server);
    const sent = await tg.sendCode({ phone: '15550001111' });
    if (!('phoneCodeHash' in sent)) throw new Error('expected a sent code');
    expect(sent.type).toBe('app');
    const needed = await rpcErrorOf(tg.signIn({ phone: '15550001111', phoneCodeHash: sent.phoneCodeHash, phoneCode: '12345' }));
    expect(needed.text).toBe('SESSION_PASSWORD_NEEDED');
    expect((await rpcErrorOf(tg.checkPassword('battery staple'))).text).toBe('PASSWORD_HASH_INVALID');
    expect((await tg.checkPassword('correct horse')).id).toBe(server.owner.id);
  });

  it('surfaces each login failure as tl.RpcError with Telegram’s text', async () => {
    const server = serverWith();
    const tg = clientOf(server);
    const phone = '15550001111';

    expect((await rpcErrorOf(tg.getMe())).text).toBe('AUTH_KEY_UNREGISTERED');
    expect((await rpcErrorOf(tg.sendCode({ phone: '123' }))).text).toBe('PHONE_NUMBER_INVALID');
    server.fail('auth.sendCode', 'PHONE_NUMBER_BANNED');
    expect((await rpcErrorOf(tg.sendCode({ phone }))).text).toBe('PHONE_NUMBER_BANNED');
    server.fail('auth.sendCode', 'FLOOD_WAIT_30');
    const flood = await rpcErrorOf(tg.sendCode({ phone }));
    expect([flood.code, flood.text, flood.is('FLOOD_WAIT_%d') && flood.seconds]).toEqual([420, 'FLOOD_WAIT_%d', 30]);

    const sent = await tg.sendCode({ phone });
    if (!('phoneCodeHash' in sent)) throw new Error('expected a sent code');
    const wrong = await rpcErrorOf(tg.signIn({ phone, phoneCodeHash: sent.phoneCodeHash, phoneCode: '00000' }));
    expect(wrong.text).toBe('PHONE_CODE_INVALID');
    server.login.expireCode();
    const expired = await rpcErrorOf(tg.signIn({ phone, phoneCodeHash: sent.phoneCodeHash, phoneCode: '12345' }));
    expect(expired.text).toBe('PHONE_CODE_EXPIRED');

    const resent = await tg.sendCode({ phone });
    if (!('phoneCodeHash' in resent)) throw new Error('expected a sent code');
    expect((await tg.resendCode({ phone, phoneCodeHash: resent.phoneCodeHash })).type).toBe('sms');
    await tg.signIn({ phone, phoneCodeHash: resent.phoneCodeHash, phoneCode: '12345' });

    server.fail('users.getUsers', 'USER_DEACTIVATED');
    expect((await rpcErrorOf(tg.getMe())).text).toBe('USER_DEACTIVATED');
    server.fail('*', 'SESSION_REVOKED', { times: Infinity });
    expect((await rpcErrorOf(tg.getMe())).code).toBe(401);
    expect((await rpcErrorOf(tg.sendText('me', 'x'))).text).toBe('SESSION_REVOKED');
  });

  it('answers AUTH_KEY_UNREGISTERED once the owner terminated the session elsewhere', async () => {
    const { server, tg } = await loggedIn();
    server.revokeSessions();
    expect((await rpcErrorOf(tg.getMe())).text).toBe('AUTH_KEY_UNREGISTERED');
  });

  it('logs in by QR code once the owner scans it', async () => {
    const server = serverWith();
    const tg = clientOf(server);
    let shown!: (url: string) => void;
    const qrShown = new Promise<string>((resolve) => (shown = resolve));
    const login = tg.start({ qrCodeHandler: (url) => shown(url) });

    expect(await qrShown).toMatch(/^tg:\/\/login\?token=/);
    server.login.scanQrCode();
    expect((await login).id).toBe(server.owner.id);
    expect(server.calls.of('auth.exportLoginToken')).toHaveLength(2);
  });

  it('logs in by QR code with 2FA', async () => {
    const server = serverWith({ password: 'pw' });
    const tg = clientOf(server);
    let shown!: () => void;
    const qrShown = new Promise<void>((resolve) => (shown = resolve));
    const login = tg.start({ qrCodeHandler: () => shown(), password: 'pw' });
    await qrShown;
    server.login.scanQrCode();
    expect((await login).id).toBe(server.owner.id);
  });
});

describe('a customer writes to the account', () => {
  it('delivers text and photo as parsed mtcute Messages with sender, text and media', async () => {
    const { server, tg } = await loggedIn();
    const alice = server.addCustomer({ firstName: 'Alice', username: 'alice_w' });

    const text = next(tg.onNewMessage);
    const bold: tl.TypeMessageEntity = { _: 'messageEntityBold', offset: 0, length: 5 };
    alice.sendText('Hello there', { entities: [bold] });
    const hello = await text;
    expect([hello.text, hello.sender.id, hello.chat.id, hello.isOutgoing]).toEqual(['Hello there', alice.id, alice.id, false]);
    expect(hello.sender.username).toBe('alice_w');
    expect(hello.entities[0]?.kind).toBe('bold');

    const photo = next(tg.onNewMessage);
    const jpeg = new Uint8Array(randomBytes(3000));
    const original = alice.sendMedia({ kind: 'photo', bytes: jpeg }, { caption: 'see', replyTo: hello.id });
    const withPhoto = await photo;
    expect([withPhoto.id, withPhoto.text, withPhoto.media?.type, withPhoto.replyToMessage?.id]).toEqual([original.id, 'see', 'photo', hello.id]);
    if (withPhoto.media?.type !== 'photo') throw new Error('expected a photo');
    expect(Buffer.from(await tg.downloadAsBuffer(withPhoto.media)).equals(Buffer.from(jpeg))).toBe(true);
  });

  it('delivers every media kind with its attributes, and downloads return the served bytes', async () => {
    const { server, tg } = await loggedIn();
    const alice = server.addCustomer({ firstName: 'Alice' });
    const bytes = new Uint8Array(randomBytes(300_000));
    const specs: MediaSpec[] = [
      { kind: 'document', bytes, fileName: 'invoice.pdf', mimeType: 'application/pdf' },
      { kind: 'video', bytes: new Uint8Array(10), duration: 5 },
      { kind: 'voice', bytes: new Uint8Array(10), duration: 2 },
      { kind: 'audio', bytes: new Uint8Array(10), duration: 200, title: 'Song', performer: 'Band' },
      { kind: 'videoNote', bytes: new Uint8Array(10), duration: 3 },
      { kind: 'sticker', bytes: new Uint8Array(10), emoji: '👍' },
      { kind: 'animation', bytes: new Uint8Array(10) },
      { kind: 'location', latitude: 52.37, longitude: 4.89 },
      { kind: 'contact', phone: '15550002222', firstName: 'Bob' },
    ];
    const arrived = collect(tg.onNewMessage, specs.length);
    for (const spec of specs) alice.sendMedia(spec);
    const media = (await arrived).map((m) => m.media);

    expect(media.map((m) => m?.type)).toEqual(['document', 'video', 'voice', 'audio', 'video', 'sticker', 'video', 'location', 'contact']);
    const [pdf, , , audio, round, sticker, gif, location, contact] = media;
    if (pdf?.type !== 'document' || audio?.type !== 'audio' || round?.type !== 'video' || gif?.type !== 'video') throw new Error('kinds');
    if (sticker?.type !== 'sticker' || location?.type !== 'location' || contact?.type !== 'contact') throw new Error('kinds');
    expect([pdf.fileName, pdf.mimeType, pdf.fileSize]).toEqual(['invoice.pdf', 'application/pdf', bytes.length]);
    expect([audio.title, audio.performer, round.isRound, gif.isAnimation, sticker.emoji]).toEqual(['Song', 'Band', true, true, '👍']);
    expect([location.latitude, contact.phoneNumber]).toEqual([52.37, '15550002222']);

    expect(Buffer.from(await tg.downloadAsBuffer(pdf)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('delivers edits, deletions, read receipts and name changes', async () => {
    const { server, tg } = await loggedIn();
    const alice = server.addCustomer({ firstName: 'Alice' });
    const first = next(tg.onNewMessage);
    const original = alice.sendText('helo');
    await first;

    const edited = next(tg.onEditMessage);
    alice.edit(original.id, 'hello');
    expect((await edited).text).toBe('hello');

    const deleted = next(tg.onDeleteMessage);
    alice.delete(original.id);
    expect((await deleted).messageIds).toEqual([original.id]);

    const ours = await tg.sendText(alice.id, 'we answered');
    const read = next(tg.onHistoryRead);
    alice.readOutbox();
    expect(await read).toMatchObject({ isOutbox: true, chatId: alice.id, maxReadId: ours.id });

    const renamed = next(tg.onRawUpdate, (info) => info.update._ === 'updateUserName');
    alice.rename({ firstName: 'Alicia', username: 'alicia' });
    const { update, peers } = await renamed;
    expect(update).toMatchObject({ userId: alice.id, firstName: 'Alicia' });
    expect(peers.user(alice.id)).toMatchObject({ firstName: 'Alicia', username: 'alicia' });
  });

  it('delivers what the owner sent from his phone as outgoing, and basic-group messages with their chat', async () => {
    const { server, tg } = await loggedIn();
    const alice = server.addCustomer({ firstName: 'Alice' });
    const bob = server.addCustomer({ firstName: 'Bob' });
    const group = server.addGroup('Suppliers', [alice, bob]);

    const two = collect(tg.onNewMessage, 2);
    server.ownerSends(alice, 'typed on my phone');
    group.send(bob, 'hi all');
    const [fromPhone, inGroup] = await two;
    expect([fromPhone?.isOutgoing, fromPhone?.sender.id, fromPhone?.chat.id]).toEqual([true, server.owner.id, alice.id]);
    expect([inGroup?.chat.type, inGroup?.chat.id, inGroup?.sender.id, inGroup?.text]).toEqual(['chat', -group.chat.id, bob.id, 'hi all']);
  });

  it('recovers a pts gap in pushed updates through getDifference', async () => {
    const { server, tg } = await loggedIn();
    const alice = server.addCustomer({ firstName: 'Alice' });
    const mark = server.calls.mark();
    const four = collect(tg.onNewMessage, 4);
    await server.whileOffline(() => {
      for (const text of ['lost 1', 'lost 2', 'lost 3']) alice.sendText(text);
    });
    alice.sendText('arrives with a gap');

    expect((await four).map((m) => m.text)).toEqual(['lost 1', 'lost 2', 'lost 3', 'arrives with a gap']);
    await server.waitForCall('updates.getDifference', undefined, { since: mark });
  });
});

describe('the account answers', () => {
  it('sends a reply with a randomId, and Telegram records what it received', async () => {
    const { server, tg } = await loggedIn();
    const alice = server.addCustomer({ firstName: 'Alice' });
    const question = alice.sendText('price?');

    const reply = await tg.sendText(alice.id, '10 EUR', { replyTo: question.id });
    const [request] = server.calls.of('messages.sendMessage');
    expect(request?.randomId).toBeInstanceOf(Long);
    expect(request?.replyTo).toMatchObject({ _: 'inputReplyToMessage', replyToMsgId: question.id });
    expect([reply.id, reply.isOutgoing, reply.replyToMessage?.id]).toEqual([server.sent[0]?.message.id, true, question.id]);

    const randomId = Long.fromString('8000000000000042');
    await tg.sendText(alice.id, 'exactly once', { randomId });
    expect(server.sent[1]?.randomId.eq(randomId)).toBe(true);
    expect((await rpcErrorOf(tg.sendText(alice.id, 'exactly once', { randomId }))).text).toBe('RANDOM_ID_DUPLICATE');

    server.fail('messages.sendMessage', 'FLOOD_WAIT_120');
    expect((await rpcErrorOf(tg.sendText(alice.id, 'later'))).is('FLOOD_WAIT_%d')).toBe(true);

    // per-call options reach the wire layer and are recorded, e.g. a sender that never waits on floods
    await tg.withParams({ floodSleepThreshold: 0 }).sendText(alice.id, 'no waiting');
    expect(server.calls.all().at(-1)?.options?.floodSleepThreshold).toBe(0);
  });

  it('runs production’s flood waiter when given its middlewares: a long wait surfaces and is remembered', async () => {
    const middlewares = networkMiddlewares.basic({ floodWaiter: { maxWait: 2_000 } });
    const { server, tg } = await loggedIn({}, { network: { middlewares } });
    const alice = server.addCustomer({ firstName: 'Alice' });
    server.fail('messages.sendMessage', 'FLOOD_WAIT_30');

    const first = await rpcErrorOf(tg.sendText(alice.id, 'one'));
    expect(first.is('FLOOD_WAIT_%d') && first.seconds).toBe(30);
    const second = await rpcErrorOf(tg.sendText(alice.id, 'two'));
    expect(second.is('FLOOD_WAIT_%d') && second.seconds).toBeGreaterThan(28);
    // mtcute refused the second send itself, from the remembered wait: Telegram saw one request
    expect(server.calls.of('messages.sendMessage')).toHaveLength(1);
  });

  it('lets a test hold an answer back, to see what the caller does meanwhile', async () => {
    const { server, tg } = await loggedIn();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    server.setHandler('users.getUsers', async () => {
      await released;
      return [server.owner];
    });
    let answered = false;
    const since = server.calls.mark();
    const me = tg.getMe().then((user) => ((answered = true), user));
    await server.waitForCall('users.getUsers', undefined, { since });
    expect(answered).toBe(false);
    release();
    expect((await me).id).toBe(server.owner.id);
  });

  it('accepts updateShortSentMessage answers too', async () => {
    const { server, tg } = await loggedIn({ shortSentMessage: true });
    const alice = server.addCustomer({ firstName: 'Alice' });
    alice.sendText('hi');
    const sent = await tg.sendText(alice.id, 'short');
    expect([sent.id, sent.text, sent.chat.id]).toEqual([server.sent[0]?.message.id, 'short', alice.id]);
  });

  it('uploads a photo and a big document part by part; Telegram reassembles the same bytes', async () => {
    const { server, tg } = await loggedIn();
    const alice = server.addCustomer({ firstName: 'Alice' });
    alice.sendText('send me the catalogue');

    const photo = new Uint8Array(randomBytes(200_000));
    const sentPhoto = await tg.sendMedia(alice.id, { type: 'photo', file: photo, caption: 'our shop' });
    expect([sentPhoto.media?.type, sentPhoto.text]).toEqual(['photo', 'our shop']);
    expect(Buffer.from(server.sent[0]?.uploaded ?? []).equals(Buffer.from(photo))).toBe(true);

    const catalogue = new Uint8Array(randomBytes(10_600_000));
    await tg.sendMedia(alice.id, { type: 'document', file: catalogue, fileName: 'catalogue.pdf', fileMime: 'application/pdf' });
    expect(server.calls.of('upload.saveBigFilePart').length).toBeGreaterThan(1);
    expect(Buffer.from(server.sent[1]?.uploaded ?? []).equals(Buffer.from(catalogue))).toBe(true);
    expect(server.sent[1]?.message.media).toMatchObject({ document: { mimeType: 'application/pdf' } });
  });

  it('edits, deletes and marks as read, each recorded with its parameters', async () => {
    const { server, tg } = await loggedIn();
    const alice = server.addCustomer({ firstName: 'Alice' });
    const incoming = alice.sendText('hello');
    const ours = await tg.sendText(alice.id, 'helo');

    expect((await tg.editMessage({ chatId: alice.id, message: ours.id, text: 'hello!' })).text).toBe('hello!');
    await tg.readHistory(alice.id);
    await tg.deleteMessagesById(alice.id, [ours.id]);

    expect(server.calls.of('messages.editMessage')[0]).toMatchObject({ id: ours.id, message: 'hello!' });
    expect(server.calls.of('messages.readHistory')[0]?.maxId).toBe(0);
    expect(server.calls.of('messages.deleteMessages')[0]).toMatchObject({ id: [ours.id], revoke: true });
    expect(server.state.readMarks(alice.peer).inbox).toBe(incoming.id);
  });

  it('lists dialogs and pages history for a history import', async () => {
    const { server, tg } = await loggedIn();
    const alice = server.addCustomer({ firstName: 'Alice' });
    const bob = server.addCustomer({ firstName: 'Bob' });
    for (let i = 1; i <= 5; i++) alice.sendText(`a${i}`);
    bob.sendText('b1');
    server.ownerSends(alice, 'a6 from us');

    const dialogs = [];
    for await (const dialog of tg.iterDialogs({ chunkSize: 1 })) dialogs.push(dialog);
    expect(dialogs.map((d) => [d.peer.id, d.lastMessage?.text])).toEqual([
      [alice.id, 'a6 from us'],
      [bob.id, 'b1'],
    ]);

    const newest = await tg.getHistory(alice.id, { limit: 4 });
    const older = await tg.getHistory(alice.id, { limit: 4, offset: newest.next });
    expect([...newest, ...older].map((m) => m.text)).toEqual(['a6 from us', 'a5', 'a4', 'a3', 'a2', 'a1']);
  });
});

describe('catching up after downtime', () => {
  it('dispatches what arrived while the client was down, from the persisted update state', async () => {
    const server = serverWith();
    const alice = server.addCustomer({ firstName: 'Alice' });
    const bob = server.addCustomer({ firstName: 'Bob' });
    const dir = await mkdtemp(join(tmpdir(), 'parley-mtproto-'));
    const file = join(dir, 'session.sqlite');
    try {
      const first = clientOf(server, { storage: new SqliteStorage(file), updates: { catchUp: true } });
      // with catchUp, "connected" follows "updating" once the first difference is applied and the state saved
      const settled = next(first.onConnectionState, (state) => state === 'connected');
      await first.start({ phone: '15550001111', code: '12345', codeSentCallback: () => {} });
      await settled;
      await first.destroy();

      const storedPts = server.state.log.currentPts;
      await server.whileOffline(() => {
        alice.sendText('while you were away');
        alice.sendMedia({ kind: 'voice', bytes: new Uint8Array(20), duration: 1 });
        bob.sendText('me too');
      });
      const snapshot = join(dir, 'snapshot.sqlite');
      await copyFile(file, snapshot);

      const mark = server.calls.mark();
      const second = clientOf(server, { storage: new SqliteStorage(file), updates: { catchUp: true } });
      const caughtUp = collect(second.onNewMessage, 3);
      await second.start({});
      const missed = await caughtUp;
      expect(missed.map((m) => [m.sender.id, m.text, m.media?.type ?? null])).toEqual([
        [alice.id, 'while you were away', null],
        [alice.id, '', 'voice'],
        [bob.id, 'me too', null],
      ]);
      expect((await server.waitForCall('updates.getDifference', undefined, { since: mark })).pts).toBe(storedPts);
      expect(server.sessionKeys()).toHaveLength(1);
      expect(server.calls.methods().slice(mark)).not.toContain('auth.sendCode');

      // a client whose stored state predates the catch-up (a crash before the save) gets the same difference
      // again, and mtcute dispatches it again: ingest must be idempotent
      const replay = clientOf(server, { storage: new SqliteStorage(snapshot), updates: { catchUp: true } });
      const again = collect(replay.onNewMessage, 3);
      await replay.start({});
      expect((await again).map((m) => m.id)).toEqual(missed.map((m) => m.id));
    } finally {
      for (const tg of clients.splice(0)) await tg.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
