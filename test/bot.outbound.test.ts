import { describe, expect, it } from 'vitest';
import type { FakeBotApi } from './fakes/bot-api/index.js';
import type { Json } from './support/api.js';
import { botConversation, postForm, useBotServer, type FrameLog } from './support/bot.js';
import { STACKS, type TestServer } from './support/server.js';

let customerId = 6_200_000;

describe.each(STACKS)('operators answer through a bot on $name', (stack) => {
  let telegram: FakeBotApi;
  let server: TestServer;
  useBotServer(stack, (started) => ({ telegram, server } = started));

  /** A bot, a customer who wrote to it, and his stored message. */
  const conversation = () => botConversation(telegram, server, { id: (customerId += 1), first_name: 'Мария' }, 'Можно фото товара?');

  const settled = (log: FrameLog, id: number) =>
    log.find((f) => f.type === 'message.updated' && f.data.id === id && (f.data.status === 'sent' || f.data.status === 'failed'));

  it('a text reply reaches the customer quoting his message, once', async () => {
    const { admin } = server;
    const { bot, customer, incoming, log } = await conversation();
    const reply = await admin.post(`/api/messages/${incoming.id}/reply/`, { text: 'Да, сейчас пришлю', idempotency_key: 'r-1' }).expect(202);
    const sent = await settled(log, reply.body.id);
    expect(sent.data.status).toBe('sent');
    const call = await bot.waitForCall('sendMessage', (c) => c.params.text === 'Да, сейчас пришлю');
    expect(call.params).toMatchObject({ chat_id: customer.chat.id, reply_parameters: { message_id: Number(incoming.external_id) } });
    expect(sent.data.external_id).toBe(String((call.response as { result: { message_id: number } }).result.message_id));
    await admin.post(`/api/messages/${incoming.id}/reply/`, { text: 'Да, сейчас пришлю', idempotency_key: 'r-1' }).expect(200);
    expect(bot.calls('sendMessage').filter((c) => c.params.text === 'Да, сейчас пришлю')).toHaveLength(1);
    log.close();
  });

  it('photos, documents, videos, voice and audio uploaded by the operator are delivered with their captions', async () => {
    const { admin } = server;
    const { bot, incoming, log } = await conversation();
    const files = [
      { name: 'товар.jpg', type: 'image/jpeg', method: 'sendPhoto', param: 'photo', kind: 'photo', caption: 'Вот он' },
      { name: 'прайс.pdf', type: 'application/pdf', method: 'sendDocument', param: 'document', kind: 'document', caption: 'Прайс' },
      { name: 'обзор.mp4', type: 'video/mp4', method: 'sendVideo', param: 'video', kind: 'video', caption: '' },
      { name: 'voice.ogg', type: 'audio/ogg', method: 'sendVoice', param: 'voice', kind: 'voice', caption: '' },
      { name: 'jingle.mp3', type: 'audio/mpeg', method: 'sendAudio', param: 'audio', kind: 'audio', caption: 'Наш джингл' },
      { name: 'notes.txt', type: '', method: 'sendDocument', param: 'document', kind: 'document', caption: 'без типа' },
    ];
    for (const [index, file] of files.entries()) {
      const bytes = Buffer.from(`${file.name} `.repeat(500 + index));
      const answer = await postForm(admin, `/api/messages/${incoming.id}/reply/`, { text: file.caption }, { name: file.name, type: file.type, bytes });
      expect(answer.status).toBe(202);
      expect(answer.body).toMatchObject({ kind: file.kind, text: file.caption || null, status: 'pending', media: [{ kind: file.kind, status: 'ready', file_name: file.name, size: bytes.length }] });
      expect((await settled(log, answer.body.id)).data.status).toBe('sent');

      const call = await bot.waitForCall(file.method, (c) => c.files[0]?.bytes.equals(bytes) === true);
      expect(call.params.reply_parameters).toMatchObject({ message_id: Number(incoming.external_id) });
      expect(call.params.caption).toBe(file.caption === '' ? undefined : file.caption);
      expect(call.files[0]).toMatchObject({ param: file.param, fileName: file.name });
      // The operator's own file can be fetched back.
      const back = await fetch(`${server.url}${answer.body.media[0].url}`, { headers: { authorization: `Token ${admin.token}` } });
      expect(Buffer.from(await back.arrayBuffer()).equals(bytes)).toBe(true);
    }
    log.close();
  });

  it('the send endpoint takes a file with reply_to_message_id; bad forms are refused and leave nothing behind', async () => {
    const { admin } = server;
    const { bot, incoming, log } = await conversation();
    const bytes = Buffer.from('scan '.repeat(1000));
    const answer = await postForm(admin, `/api/chats/${incoming.chat_id}/messages/`, { text: '', reply_to_message_id: String(incoming.id), idempotency_key: 'scan-1' }, { name: 'scan.png', type: 'image/png', bytes });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ kind: 'photo', text: null, reply_to_message_id: incoming.id });
    expect((await settled(log, answer.body.id)).data.status).toBe('sent');
    await bot.waitForCall('sendPhoto', (c) => c.files[0]?.bytes.equals(bytes) === true);
    const again = await postForm(admin, `/api/chats/${incoming.chat_id}/messages/`, { text: '', reply_to_message_id: String(incoming.id), idempotency_key: 'scan-1' }, { name: 'scan.png', type: 'image/png', bytes });
    expect(again.status).toBe(200);
    const other = await postForm(admin, `/api/chats/${incoming.chat_id}/messages/`, { text: '', idempotency_key: 'scan-1' }, { name: 'other.png', type: 'image/png', bytes: Buffer.from('another') });
    expect(other.status).toBe(409);

    expect((await postForm(admin, `/api/chats/${incoming.chat_id}/messages/`, { text: '' })).status).toBe(400);
    expect((await postForm(admin, `/api/chats/${incoming.chat_id}/messages/`, { text: 'x'.repeat(1025) }, { name: 'a.pdf', bytes })).status).toBe(400);
    expect((await postForm(admin, `/api/chats/${incoming.chat_id}/messages/`, { colour: 'red' }, { name: 'a.pdf', bytes })).status).toBe(400);
    expect((await postForm(admin, `/api/chats/999999/messages/`, { text: 'hi' }, { name: 'a.pdf', bytes })).status).toBe(404);
    const operator = await server.operator();
    expect((await postForm(operator, `/api/messages/${incoming.id}/reply/`, { text: 'hi' }, { name: 'a.pdf', bytes })).status).toBe(404);
    expect(bot.calls('sendPhoto')).toHaveLength(1);
    const { readdir } = await import('node:fs/promises');
    expect(await readdir(`${server.dataDir}/media/tmp`)).toEqual([]);
    log.close();
  });

  it('429 is waited out and the reply delivered; 5xx is retried; 400 fails at once with Telegram’s words', async () => {
    const { admin } = server;
    const { bot, incoming, log } = await conversation();
    bot.fail('sendMessage', { status: 429, retryAfter: 1 }, { times: 1 });
    const started = Date.now();
    const flooded = await admin.post(`/api/messages/${incoming.id}/reply/`, { text: 'after the flood' }).expect(202);
    expect((await settled(log, flooded.body.id)).data.status).toBe('sent');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const attempts = (await admin.get(`/api/messages/${flooded.body.id}/attempts/`).expect(200)).body.results;
    expect(attempts.map((a: Json) => a.status)).toEqual(['retry', 'sent']);
    expect(attempts[0].error).toContain('Too Many Requests');
    expect(bot.calls('sendMessage').filter((c) => c.params.text === 'after the flood')).toHaveLength(2);

    bot.fail('sendMessage', { status: 500 }, { times: 1 });
    const unlucky = await admin.post(`/api/messages/${incoming.id}/reply/`, { text: 'through a 500' }).expect(202);
    expect((await settled(log, unlucky.body.id)).data.status).toBe('sent');

    bot.fail('sendMessage', { status: 400, description: 'Bad Request: message is too long' }, { times: 1 });
    const refused = await admin.post(`/api/messages/${incoming.id}/reply/`, { text: 'refused' }).expect(202);
    const failed = await settled(log, refused.body.id);
    expect(failed.data).toMatchObject({ status: 'failed', status_reason: 'rejected: Bad Request: message is too long' });
    expect(bot.calls('sendMessage').filter((c) => c.params.text === 'refused')).toHaveLength(1);
    log.close();
  });

  it('a customer who blocked the bot: the reply fails with that reason and the chat is flagged', async () => {
    const { admin } = server;
    const { bot, incoming, log } = await conversation();
    bot.fail('sendMessage', { status: 403 });
    const reply = await admin.post(`/api/messages/${incoming.id}/reply/`, { text: 'are you there?' }).expect(202);
    const failed = await settled(log, reply.body.id);
    expect(failed.data.status).toBe('failed');
    expect(failed.data.status_reason).toBe('blocked_by_user: Forbidden: bot was blocked by the user');
    const chat = await log.find((f) => f.type === 'chat.updated' && f.data.id === incoming.chat_id && f.data.is_blocked === true);
    expect(chat.data.is_blocked).toBe(true);
    expect((await admin.get(`/api/messages/${reply.body.id}/attempts/`).expect(200)).body.results).toHaveLength(1);
    log.close();
  });
});
