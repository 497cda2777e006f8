// Media files are readable by every process: an api process and the worker share only MEDIA_DIR (their DATA_DIRs
// differ), and each serves or sends the files the other stored.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBotApi, type FakeBotApi } from './fakes/bot-api/index.js';
import { startApiProcess, type ApiProcess } from './support/api-process.js';
import { Api } from './support/api.js';
import { addBot, FrameLog, newBot, postForm, startBotServer } from './support/bot.js';
import { STACKS, type TestServer } from './support/server.js';
import { TestSocket } from './support/socket.js';

const shared = STACKS.find((stack) => stack.redis);

describe.runIf(shared)('two processes sharing a media directory', () => {
  let telegram: FakeBotApi;
  let worker: TestServer;
  let api: ApiProcess;
  beforeAll(async () => {
    telegram = await startFakeBotApi();
    worker = await startBotServer(shared ?? STACKS[0]!, telegram);
    api = await startApiProcess(worker);
  });
  afterAll(async () => {
    api.child.kill('SIGTERM');
    await new Promise((resolve) => api.child.once('close', resolve));
    await worker.close();
    await telegram.close();
  });

  it("the api process serves a customer's file the worker downloaded, and the worker sends a file uploaded to the api process", async () => {
    const admin = new Api(api.url, worker.admin.token);
    const bot = newBot(telegram, 'shared_media_bot');
    await addBot(worker.admin, bot);
    const log = new FrameLog(await TestSocket.connect(worker.url, worker.admin.token ?? ''));

    const scan = randomBytes(40_000);
    const update = bot.customer({ id: 9_300_001, first_name: 'Ada' }).sendDocument({ bytes: scan, file_name: 'scan.pdf', mime_type: 'application/pdf' });
    const created = await log.find((f) => f.type === 'message.created' && f.data.external_id === String(update.message.message_id));
    const ready = await log.fileSettled(created.data.id);
    expect(ready.data.media[0].status).toBe('ready');
    const served = await fetch(`${api.url}${ready.data.media[0].url}`, { headers: { authorization: `Token ${admin.token}` } });
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(scan)).toBe(true);

    const invoice = randomBytes(30_000);
    const answer = await postForm(admin, `/api/messages/${created.data.id}/reply/`, { text: 'invoice' }, { name: 'invoice.pdf', type: 'application/pdf', bytes: invoice });
    expect(answer.status).toBe(202);
    const sent = await log.find((f) => f.type === 'message.updated' && f.data.id === answer.body.id && ['sent', 'failed'].includes(f.data.status));
    expect(sent.data.status).toBe('sent');
    await bot.waitForCall('sendDocument', (c) => c.files[0]?.bytes.equals(invoice) === true);
    log.close();
    expect(api.stderr()).toBe('');
  });
});
