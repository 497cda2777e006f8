import type { MessageEntity } from '@grammyjs/types';
import { describe, expect, it } from 'vitest';
import type { FakeBot, FakeBotApi } from './fakes/bot-api/index.js';
import type { Json } from './support/api.js';
import { addBot, FrameLog, newBot, useBotServer } from './support/bot.js';
import { STACKS, type TestServer } from './support/server.js';
import { TestSocket, type Frame } from './support/socket.js';

let customerId = 6_100_000;

describe.each(STACKS)('customers write to a bot on $name', (stack) => {
  let telegram: FakeBotApi;
  let server: TestServer;
  useBotServer(stack, (started) => ({ telegram, server } = started));

  async function runningBot(settings?: Record<string, unknown>): Promise<{ bot: FakeBot; account: Json; socket: TestSocket }> {
    const bot = newBot(telegram);
    const account = await addBot(server.admin, bot, settings ? { settings } : {});
    const socket = await TestSocket.connect(server.url, server.admin.token ?? '');
    return { bot, account, socket };
  }

  const created = (socket: TestSocket, match: (data: Json) => boolean): Promise<Frame> =>
    socket.until((f) => f.type === 'message.created' && match(f.data));

  it('every kind of message is stored and pushed; files are downloaded and served to those who may see the chat', async () => {
    const { admin } = server;
    const { bot, socket } = await runningBot();
    const ivan = bot.customer({ id: (customerId += 1), first_name: 'Иван', last_name: 'Петров', username: 'ivan_p' });
    const bold: MessageEntity[] = [{ type: 'bold', offset: 0, length: 6 }];
    const hello = ivan.sendText('Привет, где заказ?', { entities: bold });
    const first = await created(socket, (d) => d.external_id === String(hello.message.message_id));
    expect(first.data).toMatchObject({ kind: 'text', direction: 'in', text: 'Привет, где заказ?', entities: bold });
    const chat = (await admin.get(`/api/chats/${first.data.chat_id}/`).expect(200)).body;
    expect(chat).toMatchObject({ type: 'private', title: 'Иван Петров', external_id: String(ivan.user.id), contact: { username: 'ivan_p' } });

    const photoBytes = Buffer.from('a photo of the parcel '.repeat(400));
    const sends = [
      { kind: 'photo', update: ivan.sendPhoto({ bytes: photoBytes, caption: 'вот чек', width: 1280, height: 960 }), caption: 'вот чек' },
      { kind: 'document', update: ivan.sendDocument({ file_name: 'счёт.pdf', caption: 'счёт' }), caption: 'счёт' },
      { kind: 'video', update: ivan.sendVideo({ duration: 12 }), caption: null },
      { kind: 'voice', update: ivan.sendVoice({ duration: 4 }), caption: null },
      { kind: 'audio', update: ivan.sendAudio({ title: 'Jingle', performer: 'Shop' }), caption: null },
      { kind: 'video_note', update: ivan.sendVideoNote(), caption: null },
      { kind: 'sticker', update: ivan.sendSticker({ emoji: '🙏' }), caption: null },
      { kind: 'animation', update: ivan.sendAnimation(), caption: null },
    ] as const;
    const log = new FrameLog(socket);
    for (const { kind, update, caption } of sends) {
      const frame = await log.find((f) => f.type === 'message.created' && f.data.external_id === String(update.message.message_id));
      expect(frame.data).toMatchObject({ kind, text: caption, media: [{ kind }] });
      const ready = await log.fileSettled(frame.data.id);
      expect(ready.data.media[0]).toMatchObject({ kind, status: 'ready' });
    }

    // The photo is its largest size, byte for byte; documents keep their name and type.
    const photo = (await admin.get(`/api/messages/by_chat/?chat_id=${first.data.chat_id}&limit=200`).expect(200)).body.results.find((m: Json) => m.kind === 'photo');
    expect(photo.media[0]).toMatchObject({ width: 1280, height: 960, mime_type: 'image/jpeg', size: photoBytes.length });
    const served = await fetch(`${server.url}${photo.media[0].url}`, { headers: { authorization: `Token ${admin.token}` } });
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(photoBytes)).toBe(true);
    const largest = sends[0].update.message.photo.at(-1);
    expect(bot.calls('getFile').some((c) => c.params.file_id === largest?.file_id)).toBe(true);
    const doc = (await admin.get(`/api/messages/by_chat/?chat_id=${first.data.chat_id}&limit=200`).expect(200)).body.results.find((m: Json) => m.kind === 'document');
    expect(doc.media[0]).toMatchObject({ file_name: 'счёт.pdf', mime_type: 'application/pdf' });

    // An operator not assigned to the chat cannot fetch its files; once assigned, he can.
    const operator = await server.operator();
    await operator.get(photo.media[0].url).expect(404);
    const operatorId = (await operator.get('/api/me/').expect(200)).body.operator.id;
    await admin.post(`/api/chats/${first.data.chat_id}/assign/`, { operator_id: operatorId }).expect(200);
    const allowed = await operator.get(photo.media[0].url).expect(200);
    expect(allowed.headers.get('content-type')).toBe('image/jpeg');
    socket.close();
  });

  it('locations, contacts, replies, forwards and edits keep what makes them useful', async () => {
    const { admin } = server;
    const { bot, socket } = await runningBot();
    const olga = bot.customer({ id: (customerId += 1), first_name: 'Olga' });
    const question = olga.sendText('first question');
    const asked = await created(socket, (d) => d.text === 'first question');

    const location = olga.sendLocation({ latitude: 55.7558, longitude: 37.6173 });
    const contact = olga.sendContact({ phone_number: '+79001234567', first_name: 'Пётр', user_id: 42 });
    const reply = olga.sendText('see above', { reply_to_message: question.message.message_id });
    const forwarded = olga.sendText('forwarded text', {
      forward_origin: { type: 'user', date: 1_700_000_000, sender_user: { id: 77, is_bot: false, first_name: 'Anna', username: 'anna' } },
    });
    const hidden = olga.sendText('from someone hidden', { forward_origin: { type: 'hidden_user', date: 1_700_000_000, sender_user_name: 'Mystery' } });

    const at = await created(socket, (d) => d.external_id === String(location.message.message_id));
    expect(at.data).toMatchObject({ kind: 'location', text: null, payload: { latitude: 55.7558, longitude: 37.6173 }, media: [] });
    const card = await created(socket, (d) => d.external_id === String(contact.message.message_id));
    expect(card.data).toMatchObject({ kind: 'contact', payload: { phone_number: '+79001234567', first_name: 'Пётр', user_id: '42' } });
    const answer = await created(socket, (d) => d.external_id === String(reply.message.message_id));
    expect(answer.data).toMatchObject({ reply_to_message_id: asked.data.id, reply_to_external_id: String(question.message.message_id) });
    const fwd = await created(socket, (d) => d.external_id === String(forwarded.message.message_id));
    expect(fwd.data.forward).toMatchObject({ type: 'user', from: { id: '77', name: 'Anna', username: 'anna' } });
    const secret = await created(socket, (d) => d.external_id === String(hidden.message.message_id));
    expect(secret.data.forward).toMatchObject({ type: 'hidden_user', from: { id: null, name: 'Mystery' } });

    olga.editText(question.message.message_id, 'first question, edited');
    const edited = await socket.until((f) => f.type === 'message.updated' && f.data.id === asked.data.id);
    expect(edited.data.text).toBe('first question, edited');
    expect(edited.data.edited_at).not.toBeNull();
    const stored = await admin.get(`/api/messages/${asked.data.id}/`).expect(200);
    expect(stored.body.text).toBe('first question, edited');
    socket.close();
  });

  it('blocking the bot flags the chat, unblocking clears it', async () => {
    const { bot, socket } = await runningBot();
    const petr = bot.customer({ id: (customerId += 1), first_name: 'Пётр' });
    petr.sendText('bye');
    const first = await created(socket, (d) => d.text === 'bye');
    petr.blockBot();
    const blocked = await socket.until((f) => f.type === 'chat.updated' && f.data.id === first.data.chat_id && f.data.is_blocked === true);
    expect(blocked.data.is_blocked).toBe(true);
    petr.unblockBot();
    await socket.until((f) => f.type === 'chat.updated' && f.data.id === first.data.chat_id && f.data.is_blocked === false);
    socket.close();
  });

  it('groups come in only when the account takes groups', async () => {
    const { admin } = server;
    const quiet = await runningBot();
    const group = quiet.bot.group({ type: 'supergroup', title: 'Оптовики' });
    group.member({ id: (customerId += 1), first_name: 'Member' }).sendText('group hello');
    const sentinel = quiet.bot.customer({ id: (customerId += 1), first_name: 'Sentinel' });
    sentinel.sendText('private sentinel');
    // The sentinel came after the group message, so the group message was taken and dropped.
    const next = await quiet.socket.until((f) => f.type === 'message.created');
    expect(next.data.text).toBe('private sentinel');
    quiet.socket.close();

    const open = await runningBot({ groups: true });
    const wholesale = open.bot.group({ type: 'group', title: 'Wholesale' });
    wholesale.member({ id: (customerId += 1), first_name: 'Buyer', last_name: 'One' }).sendText('bulk prices?');
    const taken = await open.socket.until((f) => f.type === 'message.created');
    expect(taken.data.text).toBe('bulk prices?');
    const chat = (await admin.get(`/api/chats/${taken.data.chat_id}/`).expect(200)).body;
    expect(chat).toMatchObject({ type: 'group', title: 'Wholesale', external_id: String(wholesale.chat.id) });
    const sender = await admin.get(`/api/messages/${taken.data.id}/`).expect(200);
    expect(sender.body.sender_contact_id).not.toBeNull();
    open.socket.close();
  });

  it('a 25 MB file is marked too large with a reason, without retrying', async () => {
    const { admin } = server;
    const { bot, socket } = await runningBot();
    const anna = bot.customer({ id: (customerId += 1), first_name: 'Anna' });
    const big = anna.sendDocument({ size: 25 * 1024 * 1024, file_name: 'video-of-the-damage.mov', mime_type: 'video/quicktime' });
    const log = new FrameLog(socket);
    const frame = await log.find((f) => f.type === 'message.created' && f.data.external_id === String(big.message.message_id));
    const done = await log.fileSettled(frame.data.id);
    expect(done.data.media[0]).toMatchObject({ status: 'too_large', size: 25 * 1024 * 1024 });
    expect(done.data.media[0].status_reason).toContain('20 MB');

    // A small file sent after it is fetched; the big one was asked for once.
    const small = anna.sendDocument({ size: 1000 });
    const after = await log.find((f) => f.type === 'message.created' && f.data.external_id === String(small.message.message_id));
    expect((await log.fileSettled(after.data.id)).data.media[0].status).toBe('ready');
    expect(bot.calls('getFile').filter((c) => c.params.file_id === big.message.document.file_id)).toHaveLength(1);
    const refused = await admin.get(done.data.media[0].url).expect(409);
    expect(refused.body.error.message).toContain('too_large');
    socket.close();
  });
});
