import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from '@grammyjs/types';
import { Api, Bot, GrammyError, HttpError, InputFile } from 'grammy';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type FakeBot, type FakeBotApi, startFakeBotApi } from './bot-api/index.js';

let telegram: FakeBotApi;
let bot: FakeBot;
let api: Api;

beforeEach(async () => {
  telegram = await startFakeBotApi();
  bot = telegram.addBot({ token: '123:ABC', username: 'shop_bot', first_name: 'Shop' });
  api = new Api(bot.token, { apiRoot: telegram.apiRoot });
});

afterEach(async () => {
  await telegram.close();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the call to fail'),
    (error: unknown) => error,
  );
}

async function grammyError(promise: Promise<unknown>): Promise<GrammyError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(GrammyError);
  return error as GrammyError;
}

async function download(token: string, filePath: string): Promise<Buffer> {
  const response = await fetch(`${telegram.apiRoot}/file/bot${token}/${filePath}`);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe('identity and routing', () => {
  it('answers getMe with the registered bot', async () => {
    const me = await api.getMe();
    expect(me).toMatchObject({ id: 123, is_bot: true, username: 'shop_bot', first_name: 'Shop' });
  });

  it('serves several bots and refuses an unknown token with 401 Unauthorized', async () => {
    telegram.addBot({ token: '456:DEF', username: 'other_bot', first_name: 'Other' });
    expect((await new Api('456:DEF', { apiRoot: telegram.apiRoot }).getMe()).username).toBe('other_bot');
    const error = await grammyError(new Api('999:NOPE', { apiRoot: telegram.apiRoot }).getMe());
    expect(error).toMatchObject({ error_code: 401, description: 'Unauthorized' });
  });

  it('answers a revoked token with 401, also for a long poll in progress', async () => {
    const poll = rejection(api.getUpdates({ timeout: 30 }));
    await bot.waitForCall('getUpdates');
    bot.revoke();
    expect(await poll).toMatchObject({ error_code: 401 });
    expect(await grammyError(api.getMe())).toMatchObject({ error_code: 401, description: 'Unauthorized' });
  });

  it('answers an unknown method with 404, and takes GET and urlencoded bodies', async () => {
    const customer = bot.customer({ id: 555, first_name: 'Ivan' });
    const unknown = await fetch(`${telegram.apiRoot}/bot${bot.token}/noSuchMethod`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found' });
    const viaGet = await fetch(`${telegram.apiRoot}/bot${bot.token}/GETME`);
    expect(await viaGet.json()).toMatchObject({ ok: true, result: { username: 'shop_bot' } });
    const form = await fetch(`${telegram.apiRoot}/bot${bot.token}/sendMessage`, {
      method: 'POST',
      body: new URLSearchParams({ chat_id: String(customer.chat.id), text: '42' }),
    });
    expect(await form.json()).toMatchObject({ ok: true, result: { text: '42', chat: { id: 555 } } });
  });
});

describe('getUpdates', () => {
  it('drops an update only when a later call passes a higher offset', async () => {
    const customer = bot.customer({ id: 555, first_name: 'Иван', username: 'ivan' });
    const first = customer.sendText('привет 👋');
    const second = customer.sendText('второе');

    expect(await api.getUpdates()).toEqual([first, second]);
    expect(await api.getUpdates({ limit: 1 })).toEqual([first]);
    expect(await api.getUpdates({ offset: first.update_id + 1 })).toEqual([second]);
    expect(await api.getUpdates({ offset: first.update_id })).toEqual([second]);
    expect(await api.getUpdates({ offset: second.update_id + 1 })).toEqual([]);
    expect(bot.pendingUpdates()).toEqual([]);
  });

  it('holds a long poll until an update arrives', async () => {
    const started = Date.now();
    const poll = api.getUpdates({ timeout: 20 });
    await bot.waitForCall('getUpdates');
    const update = bot.customer({ id: 555, first_name: 'Ivan' }).sendText('hi');
    expect(await poll).toEqual([update]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('answers an empty list when the long poll times out', async () => {
    const started = Date.now();
    expect(await api.getUpdates({ timeout: 0.3 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('terminates the earlier of two concurrent polls with 409', async () => {
    const earlier = grammyError(api.getUpdates({ timeout: 20 }));
    await bot.waitForCall('getUpdates');
    const later = api.getUpdates({ timeout: 20 });
    expect(await earlier).toMatchObject({
      error_code: 409,
      description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    });
    const update = bot.customer({ id: 555, first_name: 'Ivan' }).sendText('hi');
    expect(await later).toEqual([update]);
  });

  it('answers 409 while a webhook is set', async () => {
    await api.setWebhook('http://127.0.0.1:9/hook');
    expect(await grammyError(api.getUpdates())).toMatchObject({
      error_code: 409,
      description:
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    });
    await api.deleteWebhook();
    expect(await api.getUpdates()).toEqual([]);
  });

  it('creates only the update kinds allowed_updates asks for', async () => {
    const customer = bot.customer({ id: 555, first_name: 'Ivan' });
    const message = customer.sendText('rate me');
    customer.react(message.message.message_id, ['👍']);
    const allowed_updates = ['message', 'message_reaction'] as const;
    expect(await api.getUpdates({ offset: message.update_id + 1, allowed_updates })).toEqual([]);
    const reaction = customer.react(message.message.message_id, ['🔥']);
    expect(await api.getUpdates()).toEqual([reaction]);
    expect(reaction.message_reaction).toMatchObject({ old_reaction: [{ type: 'emoji', emoji: '👍' }] });
  });

  it('drives a grammY bot on long polling, Cyrillic and emoji intact', async () => {
    const grammyBot = new Bot(bot.token, { client: { apiRoot: telegram.apiRoot } });
    grammyBot.on('message:text', (ctx) => ctx.reply(`Вы написали: ${ctx.message.text}`));
    const running = grammyBot.start();
    const customer = bot.customer({ id: 555, first_name: 'Иван', username: 'ivan' });
    customer.sendText('привет 👋');

    const call = await bot.waitForCall('sendMessage');
    expect(call.params).toMatchObject({ chat_id: 555, text: 'Вы написали: привет 👋' });
    await grammyBot.stop();
    await running;
    expect(bot.pendingUpdates()).toEqual([]);
  });
});

describe('webhook', () => {
  interface Delivery {
    request: IncomingMessage;
    update: Update;
  }

  let receiver: Server;
  let deliveries: Delivery[];
  let delivered: (() => void) | undefined;
  let answers: { status: number; body?: unknown }[];

  beforeEach(async () => {
    deliveries = [];
    answers = [];
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const update = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Update;
        deliveries.push({ request, update });
        const { status, body } = answers.shift() ?? { status: 200 };
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(body === undefined ? '' : JSON.stringify(body));
        delivered?.();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });

  const hookUrl = (): string => `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

  function deliveriesReach(count: number): Promise<void> {
    return new Promise((resolve) => {
      delivered = () => deliveries.length >= count && resolve();
      delivered();
    });
  }

  it('posts updates with the secret header and redelivers after a 500', async () => {
    answers.push({ status: 500 });
    await api.setWebhook(hookUrl(), { secret_token: 's3cret_token-1' });
    const update = bot.customer({ id: 555, first_name: 'Иван' }).sendText('привет');

    await deliveriesReach(2);
    expect(deliveries.map((d) => d.update)).toEqual([update, update]);
    expect(deliveries[0]?.request.headers['x-telegram-bot-api-secret-token']).toBe('s3cret_token-1');
    expect(deliveries[0]?.request.headers['content-type']).toBe('application/json');
    await vi.waitFor(async () => expect((await api.getWebhookInfo()).pending_update_count).toBe(0));
    expect(await api.getWebhookInfo()).toMatchObject({
      url: hookUrl(),
      last_error_message: 'Wrong response from the webhook: 500 Internal Server Error',
    });
  });

  it('delivers in order, one at a time, and runs a method given in the answer', async () => {
    const customer = bot.customer({ id: 555, first_name: 'Ivan' });
    const first = customer.sendText('one');
    const second = customer.sendText('two');
    answers.push({ status: 200, body: { method: 'sendMessage', chat_id: 555, text: 'got it' } });
    await api.setWebhook(hookUrl());

    await deliveriesReach(2);
    expect(deliveries.map((d) => d.update)).toEqual([first, second]);
    const reply = await bot.waitForCall('sendMessage');
    expect(reply).toMatchObject({ via: 'webhook-reply', params: { chat_id: 555, text: 'got it' } });
  });

  it('keeps updates while the receiver is down and reports the error', async () => {
    await api.setWebhook('http://127.0.0.1:9/unreachable', { drop_pending_updates: true });
    bot.customer({ id: 555, first_name: 'Ivan' }).sendText('hello?');
    await vi.waitFor(async () => expect((await api.getWebhookInfo()).last_error_message).toBe('Connection refused'));
    expect((await api.getWebhookInfo()).pending_update_count).toBe(1);
  });

  it('refuses a webhook outside this machine', async () => {
    const error = await grammyError(api.setWebhook('https://example.com/hook'));
    expect(error.error_code).toBe(400);
  });
});

describe('faults, as grammY sees them', () => {
  const customerId = 555;

  beforeEach(() => {
    bot.customer({ id: customerId, first_name: 'Ivan' });
  });

  it('429 with retry_after, for the next call only', async () => {
    bot.fail('sendMessage', { status: 429, retryAfter: 2 }, { times: 1 });
    const error = await grammyError(api.sendMessage(customerId, 'hi'));
    expect(error).toMatchObject({
      error_code: 429,
      description: 'Too Many Requests: retry after 2',
      parameters: { retry_after: 2 },
    });
    expect((await api.sendMessage(customerId, 'hi')).text).toBe('hi');
    expect(bot.calls('sendMessage').map((call) => call.response?.ok)).toEqual([false, true]);
  });

  it.each([
    [{ status: 401 } as const, 401, 'Unauthorized'],
    [{ status: 403 } as const, 403, 'Forbidden: bot was blocked by the user'],
    [{ status: 400, description: 'Bad Request: too long' } as const, 400, 'Bad Request: too long'],
    [{ status: 500 } as const, 500, 'Internal Server Error'],
  ])('%o until cleared', async (fault, code, description) => {
    const handle = bot.fail('sendMessage', fault);
    expect(await grammyError(api.sendMessage(customerId, 'a'))).toMatchObject({ error_code: code, description });
    expect(await grammyError(api.sendMessage(customerId, 'b'))).toMatchObject({ error_code: code });
    handle.clear();
    await api.sendMessage(customerId, 'c');
    expect(handle.hits).toBe(2);
  });

  it('a dropped connection is an HttpError', async () => {
    bot.fail('sendMessage', { drop: true }, { times: 1 });
    const error = await rejection(api.sendMessage(customerId, 'hi'));
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).error).toMatchObject({ code: 'ECONNRESET' });
    expect(bot.calls('sendMessage')[0]?.response).toBeUndefined();
    await api.sendMessage(customerId, 'again');
  });

  it('a slow answer trips the client timeout', async () => {
    bot.fail('getMe', { delayMs: 5_000 });
    const impatient = new Api(bot.token, { apiRoot: telegram.apiRoot, timeoutSeconds: 0.2 });
    const error = await rejection(impatient.getMe());
    expect(error).toBeInstanceOf(HttpError);
    expect(String((error as HttpError).error)).toContain('timed out');
  });

  it('a slow answer still arrives', async () => {
    bot.fail('getMe', { delayMs: 150 }, { times: 1 });
    const started = Date.now();
    await api.getMe();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('customers and their media', () => {
  it('sends every media kind in its real shape, each file downloadable', async () => {
    const customer = bot.customer({ id: 555, first_name: 'Ivan' });
    const photo = customer.sendPhoto({ caption: 'фото', bytes: 'photo bytes' });
    const animation = customer.sendAnimation();
    const updates = [
      photo,
      animation,
      customer.sendDocument({ bytes: 'pdf', file_name: 'Счёт.pdf', caption: 'счёт' }),
      customer.sendVideo({ duration: 7 }),
      customer.sendVoice(),
      customer.sendAudio({ performer: 'Artist', title: 'Song' }),
      customer.sendVideoNote(),
      customer.sendSticker({ emoji: '😀' }),
      customer.sendLocation({ latitude: 55.75, longitude: 37.62 }),
      customer.sendContact({ phone_number: '+79990000000', first_name: 'Пётр' }),
    ];
    expect(photo.message.photo.map((size) => size.width)).toEqual([90, 320, 800, 1280]);
    expect(animation.message.document.file_id).toBe(animation.message.animation.file_id);
    expect(await api.getUpdates()).toEqual(updates);

    const fileIds = updates.flatMap(({ message }) =>
      [message.photo?.at(-1), message.document, message.video, message.voice, message.audio]
        .concat([message.video_note, message.sticker])
        .filter((file) => file !== undefined)
        .map((file) => file.file_id),
    );
    for (const fileId of fileIds) {
      const file = await api.getFile(fileId);
      const bytes = await download(bot.token, file.file_path ?? '');
      // Buffer.equals: toEqual walks 200 KB byte by byte, which takes most of a second.
      expect(bytes.equals(bot.file(fileId)?.bytes ?? Buffer.alloc(0))).toBe(true);
    }
    const largest = photo.message.photo.at(-1);
    const photoFile = await api.getFile(largest?.file_id ?? '');
    expect((await download(bot.token, photoFile.file_path ?? '')).toString()).toBe('photo bytes');
  });

  it('refuses getFile above the download limit', async () => {
    const big = bot.customer({ id: 555, first_name: 'Ivan' }).sendDocument({ size: 25 * 1024 * 1024 });
    const error = await grammyError(api.getFile(big.message.document.file_id));
    expect(error).toMatchObject({ error_code: 400, description: 'Bad Request: file is too big' });
  });

  it('replies, edits and forwards as Telegram shapes them', async () => {
    const customer = bot.customer({ id: 555, first_name: 'Ivan' });
    const question = customer.sendText('вопрос');
    const followUp = customer.sendText('ещё', {
      reply_to_message: question.message.message_id,
      forward_origin: { type: 'user', date: 1, sender_user: { id: 7, is_bot: false, first_name: 'Ann' } },
    });
    expect(followUp.message.reply_to_message?.text).toBe('вопрос');
    const edit = customer.editText(question.message.message_id, 'вопрос (ред.)');
    expect(edit.edited_message).toMatchObject({ message_id: question.message.message_id, text: 'вопрос (ред.)' });
    expect(edit.edited_message.edit_date).toBeGreaterThan(0);
  });

  it('a customer who blocks the bot gets no more messages', async () => {
    const customer = bot.customer({ id: 555, first_name: 'Ivan' });
    const blocked = customer.blockBot();
    expect(blocked.my_chat_member.new_chat_member.status).toBe('kicked');
    expect(await grammyError(api.sendMessage(555, 'hi'))).toMatchObject({
      error_code: 403,
      description: 'Forbidden: bot was blocked by the user',
    });
    customer.unblockBot();
    await api.sendMessage(555, 'welcome back');
  });

  it('group members write in their group', async () => {
    const group = bot.group({ type: 'supergroup', title: 'Клиенты' });
    const update = group.member({ id: 777, first_name: 'Olga' }).sendText('всем привет');
    expect(update.message.chat).toMatchObject({ type: 'supergroup', title: 'Клиенты' });
    expect(String(update.message.chat.id)).toMatch(/^-100\d+$/);
    const sent = await api.sendMessage(group.chat.id, 'привет, группа');
    expect(sent.chat.id).toBe(group.chat.id);
  });
});

describe('what the bot sends', () => {
  const chatId = 555;

  beforeEach(() => {
    bot.customer({ id: chatId, first_name: 'Ivan' });
  });

  it('records an uploaded photo with its bytes and makes it downloadable', async () => {
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x01, 0x02, 0x0d, 0x0a, 0x2d, 0x2d]);
    const sent = await api.sendPhoto(chatId, new InputFile(bytes, 'кот.jpg'), { caption: 'Кот 🐱' });

    const call = await bot.waitForCall('sendPhoto');
    expect(call.params).toMatchObject({ chat_id: chatId, caption: 'Кот 🐱' });
    expect(call.files).toEqual([expect.objectContaining({ param: 'photo', fileName: 'кот.jpg', bytes })]);
    expect(sent).toMatchObject({ chat: { id: chatId }, from: { id: 123, is_bot: true }, caption: 'Кот 🐱' });
    const file = await api.getFile(sent.photo.at(-1)?.file_id ?? '');
    expect(await download(bot.token, file.file_path ?? '')).toEqual(bytes);
  });

  it('names an uploaded document and guesses its MIME type as Telegram does', async () => {
    // grammY writes the file name unquoted in the multipart header, `;` and quotes included.
    const name = 'Счёт №1; "март".pdf';
    const sent = await api.sendDocument(chatId, new InputFile(Buffer.from('%PDF-1.4'), name));
    expect(sent.document).toMatchObject({ file_name: name, mime_type: 'application/pdf', file_size: 8 });
    const again = await api.sendDocument(chatId, sent.document.file_id);
    expect(again.document.file_id).toBe(sent.document.file_id);
  });

  it('refuses an upload above the upload limit with 413', async () => {
    const small = await startFakeBotApi({ uploadLimitBytes: 1_000 });
    try {
      const smallBot = small.addBot({ token: '1:A', username: 'small_bot', first_name: 'Small' });
      smallBot.customer({ id: chatId, first_name: 'Ivan' });
      const upload = new InputFile(Buffer.alloc(2_000), 'big.bin');
      const error = await grammyError(new Api('1:A', { apiRoot: small.apiRoot }).sendDocument(chatId, upload));
      expect(error).toMatchObject({ error_code: 413, description: 'Request Entity Too Large' });
    } finally {
      await small.close();
    }
  });

  it('numbers messages per chat, replies, edits and deletes', async () => {
    const question = bot.customer({ id: chatId, first_name: 'Ivan' }).sendText('вопрос');
    const answer = await api.sendMessage(chatId, '<b>Ответ</b> 👋 &lt;3', {
      parse_mode: 'HTML',
      reply_parameters: { message_id: question.message.message_id },
      reply_markup: { inline_keyboard: [[{ text: 'OK', callback_data: 'ok' }]] },
    });
    expect(answer.message_id).toBe(question.message.message_id + 1);
    expect(answer).toMatchObject({ text: 'Ответ 👋 <3', entities: [{ type: 'bold', offset: 0, length: 5 }] });
    expect(answer.reply_to_message?.text).toBe('вопрос');

    const edited = await api.editMessageText(chatId, answer.message_id, 'Ответ 2');
    expect(edited).toMatchObject({ text: 'Ответ 2', edit_date: expect.any(Number) });
    expect(await grammyError(api.editMessageText(chatId, answer.message_id, 'Ответ 2'))).toMatchObject({
      description: expect.stringMatching(/^Bad Request: message is not modified/),
    });
    await api.setMessageReaction(chatId, question.message.message_id, [{ type: 'emoji', emoji: '👍' }]);
    await api.sendChatAction(chatId, 'typing');
    expect(await api.deleteMessage(chatId, answer.message_id)).toBe(true);
    expect(bot.message(chatId, answer.message_id)).toBeUndefined();
    expect(await grammyError(api.deleteMessage(chatId, answer.message_id))).toMatchObject({
      description: 'Bad Request: message to delete not found',
    });
  });

  it('answers the errors of a bad send as Telegram does', async () => {
    expect(await grammyError(api.sendMessage(999, 'hi'))).toMatchObject({ description: 'Bad Request: chat not found' });
    expect(await grammyError(api.sendMessage(chatId, ' '))).toMatchObject({
      description: 'Bad Request: message text is empty',
    });
    expect(await grammyError(api.sendMessage(chatId, 'x', { reply_to_message_id: 99 }))).toMatchObject({
      description: 'Bad Request: message to be replied not found',
    });
    expect(await grammyError(api.sendMessage(chatId, '<b>x', { parse_mode: 'HTML' }))).toMatchObject({
      description: `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`,
    });
  });
});
