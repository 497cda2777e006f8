// A personal account in the inbox: what its customers send (every kind), what its owner does from his phone,
// edits, deletions, read receipts and renames; operators' replies, files and read marks going back out. Each
// story checks both sides: what Parley stored and pushed, and what the fake Telegram received.
import { randomBytes } from 'node:crypto';
import type { tl } from '@mtcute/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaSpec } from './fakes/mtproto/index.js';
import { postForm } from './support/bot.js';
import { STACKS } from './support/server.js';
import type { Frame } from './support/socket.js';
import { chatWith, logIn, messagesOf, UserServer } from './support/telegram-user.js';

describe.each(STACKS)('a personal account in the inbox on $name', (stack) => {
  let server: UserServer;
  beforeAll(async () => {
    server = await UserServer.start(stack);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a customer’s text and every kind of file arrive live; files are downloaded and served to operators', async () => {
    const { account, telegram } = await logIn(server);
    const socket = await server.socket();
    const alice = telegram.addCustomer({ firstName: 'Alice', lastName: 'Wong', username: 'Alice_W' });
    const bold: tl.TypeMessageEntity = { _: 'messageEntityBold', offset: 0, length: 5 };
    const hello = alice.sendText('Hello, is the shop open?', { entities: [bold] });
    const first = await socket.until((f) => f.type === 'message.created');
    expect(first.data).toMatchObject({ external_id: String(hello.id), direction: 'in', kind: 'text', text: 'Hello, is the shop open?' });
    expect(first.data.entities).toEqual([{ type: 'bold', offset: 0, length: 5 }]);
    const chat = await chatWith(server.admin, account.id, alice.id);
    expect(chat).toMatchObject({ type: 'private', title: 'Alice Wong', unread_count: 1, contact: { first_name: 'Alice', username: 'alice_w' } });

    const photo = new Uint8Array(randomBytes(40_000));
    const pdf = new Uint8Array(randomBytes(300_000));
    const tiny = () => new Uint8Array(randomBytes(64));
    const specs: [MediaSpec, string, Record<string, unknown>][] = [
      [{ kind: 'photo', bytes: photo }, 'photo', { mime_type: 'image/jpeg', width: 800, height: 600 }],
      [{ kind: 'document', bytes: pdf, fileName: 'invoice.pdf', mimeType: 'application/pdf' }, 'document', { file_name: 'invoice.pdf', size: pdf.length }],
      [{ kind: 'video', bytes: tiny(), duration: 5 }, 'video', { duration: 5, mime_type: 'video/mp4' }],
      [{ kind: 'voice', bytes: tiny(), duration: 2 }, 'voice', { duration: 2, mime_type: 'audio/ogg' }],
      [{ kind: 'audio', bytes: tiny(), duration: 200, title: 'Song', performer: 'Band' }, 'audio', { duration: 200 }],
      [{ kind: 'videoNote', bytes: tiny(), duration: 3 }, 'video_note', { duration: 3 }],
      [{ kind: 'sticker', bytes: tiny(), emoji: '👍' }, 'sticker', { mime_type: 'image/webp' }],
      [{ kind: 'animation', bytes: tiny() }, 'animation', {}],
    ];
    for (const [spec] of specs) alice.sendMedia(spec, spec.kind === 'photo' ? { caption: 'this one', replyTo: hello.id } : {});
    alice.sendMedia({ kind: 'location', latitude: 52.37, longitude: 4.89 });
    alice.sendMedia({ kind: 'contact', phone: '15550002222', firstName: 'Bob' });

    // files download while the rest arrives: read every frame once, until all came and the first two are ready
    const frames: Frame[] = [];
    const createdFrames = () => frames.filter((f) => f.type === 'message.created').map((f) => f.data);
    const ready = (id: number) => frames.find((f) => f.type === 'message.updated' && f.data.id === id && f.data.media[0]?.status === 'ready');
    await socket.until((frame) => {
      frames.push(frame);
      const all = createdFrames();
      return all.length === specs.length + 2 && ready(all[0].id) !== undefined && ready(all[1].id) !== undefined;
    });
    const created = createdFrames();
    expect(created.map((m) => m.kind)).toEqual([...specs.map(([, kind]) => kind), 'location', 'contact']);
    specs.forEach(([, , media], i) => expect(created[i].media[0]).toMatchObject(media));
    expect(created[0]).toMatchObject({ text: 'this one', reply_to_message_id: first.data.id });
    expect(created[4].payload).toEqual({ title: 'Song', performer: 'Band' });
    expect(created[6].payload).toEqual({ emoji: '👍' });
    expect(created[8]).toMatchObject({ media: [], payload: { latitude: 52.37, longitude: 4.89 } });
    expect(created[9].payload).toMatchObject({ phone_number: '15550002222', first_name: 'Bob' });

    const downloaded = [ready(created[0].id), ready(created[1].id)];
    const photoFile = await fetch(`${server.url}${downloaded[0]?.data.media[0].url}`, { headers: { authorization: `Token ${server.admin.token}` } });
    expect(photoFile.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await photoFile.arrayBuffer()).equals(Buffer.from(photo))).toBe(true);
    const pdfFile = await fetch(`${server.url}${downloaded[1]?.data.media[0].url}`, { headers: { authorization: `Token ${server.admin.token}` } });
    expect(Buffer.from(await pdfFile.arrayBuffer()).equals(Buffer.from(pdf))).toBe(true);
    expect(telegram.calls.of('upload.getFile').length).toBeGreaterThan(1);
    socket.close();
  });

  it('what the owner sends from his phone appears as outgoing from the account, and does not count as unread', async () => {
    const { account, telegram } = await logIn(server);
    const socket = await server.socket();
    const bob = telegram.addCustomer({ firstName: 'Bob' });
    bob.sendText('hi');
    await socket.until((f) => f.type === 'message.created');
    telegram.ownerSends(bob, 'typed on my phone');
    telegram.ownerSendsMedia(bob, { kind: 'photo', bytes: new Uint8Array(randomBytes(500)) }, { caption: 'our catalogue' });
    const typed = await socket.until((f) => f.type === 'message.created');
    const shown = await socket.until((f) => f.type === 'message.created');
    expect(typed.data).toMatchObject({ direction: 'out', text: 'typed on my phone', sender_contact_id: null, sender_operator_id: null });
    expect(shown.data).toMatchObject({ direction: 'out', kind: 'photo', text: 'our catalogue' });
    const chat = await chatWith(server.admin, account.id, bob.id);
    expect(chat).toMatchObject({ unread_count: 1, last_message: { direction: 'out', kind: 'photo' } });
    socket.close();
  });

  it('edits and deletions reach the stored messages (deleted ones are kept and marked); read receipts and renames too', async () => {
    const { account, telegram } = await logIn(server);
    const socket = await server.socket();
    const carol = telegram.addCustomer({ firstName: 'Carol', username: 'carol' });
    const typo = carol.sendText('helo');
    const created = (await socket.until((f) => f.type === 'message.created')).data;

    carol.edit(typo.id, 'hello');
    const edited = await socket.until((f) => f.type === 'message.updated' && f.data.id === created.id);
    expect(edited.data.text).toBe('hello');
    expect(edited.data.edited_at).not.toBeNull();

    carol.delete(typo.id);
    const deleted = await socket.until((f) => f.type === 'message.updated' && f.data.id === created.id);
    expect(deleted.data.deleted_at).not.toBeNull();
    const chat = await chatWith(server.admin, account.id, carol.id);
    expect((await messagesOf(server.admin, chat.id)).map((m) => [m.text, m.deleted_at !== null])).toEqual([['hello', true]]);

    telegram.ownerSends(carol, 'we are open till 8');
    const ours = (await socket.until((f) => f.type === 'message.created')).data;
    carol.readOutbox();
    const read = await socket.until((f) => f.type === 'message.updated' && f.data.id === ours.id);
    expect(read.data.read_at).not.toBeNull();

    carol.rename({ firstName: 'Caroline', lastName: 'Smith', username: 'caroline' });
    const renamed = await socket.until((f) => f.type === 'chat.updated' && f.data.id === chat.id);
    expect(renamed.data.contact).toMatchObject({ first_name: 'Caroline', last_name: 'Smith', username: 'caroline' });
    socket.close();
  });

  it('the owner reading a chat on his phone clears its unread count', async () => {
    const { account, telegram } = await logIn(server);
    const socket = await server.socket();
    const dan = telegram.addCustomer({ firstName: 'Dan' });
    const last = dan.sendText('are you there?');
    await socket.until((f) => f.type === 'message.created');
    const chat = await chatWith(server.admin, account.id, dan.id);
    expect(chat.unread_count).toBe(1);
    telegram.state.readMarks(dan.peer).inbox = last.id;
    const update: tl.RawUpdateReadHistoryInbox = {
      _: 'updateReadHistoryInbox',
      peer: dan.peer,
      maxId: last.id,
      stillUnreadCount: 0,
      pts: telegram.state.log.nextPts(),
      ptsCount: 1,
    };
    telegram.publish(update, { userIds: [dan.id], chatIds: [] });
    const cleared = await socket.until((f) => f.type === 'chat.updated' && f.data.id === chat.id);
    expect(cleared.data.unread_count).toBe(0);
    socket.close();
  });

  it('group chats stay out unless the account’s groups setting is on', async () => {
    const { account, telegram } = await logIn(server);
    const socket = await server.socket();
    const erin = telegram.addCustomer({ firstName: 'Erin' });
    const group = telegram.addGroup('Suppliers', [erin]);
    group.send(erin, 'hello group');
    erin.sendText('sentinel');
    expect((await socket.until((f) => f.type === 'message.created')).data.text).toBe('sentinel');

    await server.admin.patch(`/api/accounts/${account.id}/`, { settings: { groups: true } }).expect(200);
    await server.parley.runtime?.reconcile(account.id); // the change reaches the running channel (also through the bus)
    group.send(erin, 'now it counts');
    const inGroup = await socket.until((f) => f.type === 'message.created');
    expect(inGroup.data.text).toBe('now it counts');
    const { body } = await server.admin.get(`/api/chats/?account=${account.id}`).expect(200);
    expect(body.results.find((c: { type: string }) => c.type === 'group')).toMatchObject({ title: 'Suppliers', external_id: String(-group.chat.id) });
    socket.close();
  });

  it('an operator’s reply goes out once, quoting the message, with the random id stored on its row', async () => {
    const { account, telegram } = await logIn(server);
    const operator = await server.operator();
    const frank = telegram.addCustomer({ firstName: 'Frank' });
    const socket = await server.socket();
    const question = frank.sendText('price of the blue one?');
    await socket.until((f) => f.type === 'message.created');
    const chat = await chatWith(server.admin, account.id, frank.id);
    const operatorId = (await operator.get('/api/me/').expect(200)).body.operator.id;
    await server.admin.post(`/api/chats/${chat.id}/assign/`, { operator_id: operatorId }).expect(200);
    const incoming = (await messagesOf(operator, chat.id))[0];

    const reply = await operator.post(`/api/messages/${incoming.id}/reply/`, { text: '25 EUR 💙' }).expect(202);
    const sent = await socket.until((f) => f.type === 'message.updated' && f.data.id === reply.body.id && f.data.status === 'sent');
    const [request] = telegram.calls.of('messages.sendMessage');
    expect(request).toMatchObject({ message: '25 EUR 💙', replyTo: { replyToMsgId: question.id } });
    const row = await server.parley.database.db.selectFrom('messages').select('random_id').where('id', '=', reply.body.id).executeTakeFirstOrThrow();
    expect(request?.randomId.toString()).toBe(String(row.random_id));
    expect(sent.data.external_id).toBe(String(telegram.sent[0]?.message.id));
    expect(telegram.sent).toHaveLength(1);

    // the next customer message comes after it; our own message was not stored a second time
    frank.sendText('ok, thanks');
    await socket.until((f) => f.type === 'message.created' && f.data.text === 'ok, thanks');
    expect((await messagesOf(server.admin, chat.id)).map((m) => m.text)).toEqual(['price of the blue one?', '25 EUR 💙', 'ok, thanks']);
    socket.close();
  });

  it('an operator sends a photo and a document with captions; Telegram receives the same bytes', async () => {
    const { account, telegram } = await logIn(server);
    const grace = telegram.addCustomer({ firstName: 'Grace' });
    const socket = await server.socket();
    grace.sendText('send me a picture');
    await socket.until((f) => f.type === 'message.created');
    const chat = await chatWith(server.admin, account.id, grace.id);

    const picture = randomBytes(120_000);
    const photo = await postForm(server.admin, `/api/chats/${chat.id}/messages/`, { text: 'the blue one' }, { name: 'blue.jpg', type: 'image/jpeg', bytes: picture });
    expect(photo.status).toBe(202);
    await socket.until((f) => f.type === 'message.updated' && f.data.id === photo.body.id && f.data.status === 'sent');
    const manual = randomBytes(70_000);
    const doc = await postForm(server.admin, `/api/chats/${chat.id}/messages/`, { text: 'manual' }, { name: 'manual.pdf', type: 'application/pdf', bytes: manual });
    await socket.until((f) => f.type === 'message.updated' && f.data.id === doc.body.id && f.data.status === 'sent');

    const [sentPhoto, sentDoc] = telegram.sent;
    expect([sentPhoto?.message.message, sentPhoto?.message.media?._]).toEqual(['the blue one', 'messageMediaPhoto']);
    expect(Buffer.from(sentPhoto?.uploaded ?? []).equals(picture)).toBe(true);
    expect(sentDoc?.message.media).toMatchObject({ document: { mimeType: 'application/pdf' } });
    expect(Buffer.from(sentDoc?.uploaded ?? []).equals(manual)).toBe(true);
    const request = telegram.calls.of('messages.sendMedia')[1];
    expect(request?.media).toMatchObject({ _: 'inputMediaUploadedDocument', attributes: [{ _: 'documentAttributeFilename', fileName: 'manual.pdf' }] });
    socket.close();
  });

  it('an operator opening a chat marks it read on Telegram, unless the account’s mark_read setting is off', async () => {
    const { account, telegram } = await logIn(server);
    const socket = await server.socket();
    const hugo = telegram.addCustomer({ firstName: 'Hugo' });
    hugo.sendText('one');
    await socket.until((f) => f.type === 'message.created');
    const chat = await chatWith(server.admin, account.id, hugo.id);

    await server.admin.patch(`/api/accounts/${account.id}/`, { settings: { mark_read: false } }).expect(200);
    const mark = telegram.calls.mark();
    await server.admin.post(`/api/chats/${chat.id}/read/`).expect(200);
    await server.admin.patch(`/api/accounts/${account.id}/`, { settings: { mark_read: true } }).expect(200);
    hugo.sendText('two');
    await socket.until((f) => f.type === 'message.created');
    await server.admin.post(`/api/chats/${chat.id}/read/`).expect(200);
    const read = await telegram.waitForCall('messages.readHistory', undefined, { since: mark });
    expect(read.peer).toMatchObject({ _: 'inputPeerUser', userId: hugo.id });
    // the first opening, with the setting off, told Telegram nothing
    expect(telegram.calls.all().slice(mark).filter((c) => c.request._ === 'messages.readHistory')).toHaveLength(1);
    expect(telegram.state.readMarks(hugo.peer).inbox).toBeGreaterThan(0);
    socket.close();
  });
});

