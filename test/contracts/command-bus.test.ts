// The CommandBus contract (src/routing/commands.ts) over each EventBus: the in-process bus, and Redis pub/sub
// with each "process" on its own pair of connections. Replies and domain errors come back as if the work ran here.
import { Type } from 'typebox';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelUnavailable, Conflict, Invalid, NotFound, RateLimited } from '../../src/domain/errors.js';
import type { Logger } from '../../src/log.js';
import type { EventBus } from '../../src/realtime/bus.js';
import { CommandBus, NoAnswer, ProcessGone } from '../../src/routing/commands.js';
import { RemoteFailure } from '../../src/routing/wire-errors.js';
import { BUS_KINDS, captureLogger, deleteKeys, ERROR_LEVEL, redisUrl, silentLogger } from './support.js';

const schemas = {
  'sum.add': { request: Type.Object({ a: Type.Integer(), b: Type.Integer() }), reply: Type.Object({ sum: Type.Integer() }) },
  'chat.read': { request: Type.Object({ chatId: Type.Integer() }), reply: Type.Null() },
  'slow.step': { request: Type.Object({}), reply: Type.Null() },
};

describe.each(BUS_KINDS)('CommandBus over $name', (kind) => {
  const buses = new Set<EventBus>();
  const commands = new Set<CommandBus<typeof schemas>>();
  const prefixes: string[] = [];

  afterEach(async () => {
    await Promise.all([...commands].map((c) => c.close()));
    await Promise.all([...buses].map((bus) => bus.close()));
    commands.clear();
    buses.clear();
    if (redisUrl) await deleteKeys(redisUrl, prefixes.splice(0));
  });

  /** Two processes of one deployment: an api process and a worker, each listening on its own topic. */
  async function deploy(options: { logger?: Logger; timeoutMs?: number } = {}) {
    const { open, prefix } = kind.deploy(options.logger ?? silentLogger);
    if (prefix) prefixes.push(prefix);
    const process = async (self: string) => {
      const bus = open();
      buses.add(bus);
      const command = new CommandBus({ bus, self, schemas, logger: options.logger ?? silentLogger, timeoutMs: options.timeoutMs ?? 5000 });
      commands.add(command);
      await command.start();
      return command;
    };
    return { api: await process('api-1'), worker: await process('worker-1') };
  }

  it('a command reaches the addressed process and its reply comes back to the sender', async () => {
    const { api, worker } = await deploy();
    const seen: unknown[] = [];
    worker.handle('sum.add', async (request) => {
      seen.push(request);
      return { sum: request.a + request.b };
    });
    await expect(api.send('worker-1', 'sum.add', { a: 2, b: 40 })).resolves.toEqual({ sum: 42 });
    expect(seen).toEqual([{ a: 2, b: 40 }]);
  });

  it('concurrent commands each get their own reply (correlation ids)', async () => {
    const { api, worker } = await deploy();
    worker.handle('sum.add', async ({ a, b }) => {
      await new Promise((resolve) => setImmediate(resolve));
      return { sum: a + b };
    });
    const sums = await Promise.all(Array.from({ length: 20 }, (_, n) => api.send('worker-1', 'sum.add', { a: n, b: 1000 })));
    expect(sums.map((s) => s.sum)).toEqual(Array.from({ length: 20 }, (_, n) => n + 1000));
  });

  it('a domain error thrown by the handler arrives as the same error: class, message, details, retry-after', async () => {
    const { api, worker } = await deploy();
    worker.handle('chat.read', async ({ chatId }) => {
      if (chatId === 1) throw new NotFound('chat 1 not found');
      if (chatId === 2) throw new Conflict('at step "qr", not "code_sent"', { state: 'qr' });
      if (chatId === 3) throw new RateLimited('Telegram asks to wait', 30, { reason: 'FLOOD_WAIT_30' });
      if (chatId === 4) throw new ChannelUnavailable('Telegram cannot be reached', undefined, { reason: 'TELEGRAM_UNREACHABLE' });
      throw new Invalid('the code is wrong', { field: 'code' });
    });
    const failure = (chatId: number) => api.send('worker-1', 'chat.read', { chatId }).then(() => null, (error: unknown) => error);
    const notFound = await failure(1);
    expect(notFound).toBeInstanceOf(NotFound);
    expect(notFound).toMatchObject({ message: 'chat 1 not found' });
    expect(await failure(2)).toMatchObject({ constructor: Conflict, message: 'at step "qr", not "code_sent"', details: { state: 'qr' } });
    expect(await failure(3)).toMatchObject({ constructor: RateLimited, retryAfterSeconds: 30, details: { reason: 'FLOOD_WAIT_30' } });
    expect(await failure(4)).toMatchObject({ constructor: ChannelUnavailable, details: { reason: 'TELEGRAM_UNREACHABLE' } });
    expect(await failure(5)).toMatchObject({ constructor: Invalid, details: { field: 'code' } });
  });

  it('any other failure arrives as RemoteFailure (an internal error) and is logged where it happened', async () => {
    const { logger, lines, changes } = captureLogger();
    const { api, worker } = await deploy({ logger });
    worker.handle('chat.read', async () => {
      throw new TypeError('a bug in the worker');
    });
    await expect(api.send('worker-1', 'chat.read', { chatId: 1 })).rejects.toThrow(RemoteFailure);
    await changes.until(() => lines.some((l) => l.level >= ERROR_LEVEL && l.msg === 'command failed'), 'the worker’s log line');
  });

  it('a request that does not fit its schema is refused without running the handler', async () => {
    const { api, worker } = await deploy();
    let ran = false;
    worker.handle('sum.add', async () => {
      ran = true;
      return { sum: 0 };
    });
    const bad = { a: 'two', b: 1 } as unknown as { a: number; b: number };
    await expect(api.send('worker-1', 'sum.add', bad)).rejects.toThrow(/does not fit its schema/);
    expect(ran).toBe(false);
  });

  it('a reply that does not fit its schema is refused on arrival', async () => {
    const { api, worker } = await deploy();
    worker.handle('sum.add', async () => ({ sum: 'many' }) as unknown as { sum: number });
    await expect(api.send('worker-1', 'sum.add', { a: 1, b: 1 })).rejects.toThrow(/reply to "sum.add" does not fit/);
  });

  it('no answer within the timeout: ChannelUnavailable (503), never a hang', async () => {
    const { api, worker } = await deploy({ timeoutMs: 300 });
    worker.handle('slow.step', () => new Promise(() => {}));
    const started = Date.now();
    const error = await api.send('worker-1', 'slow.step', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoAnswer);
    expect(error).toBeInstanceOf(ChannelUnavailable);
    expect(error).toMatchObject({ processId: 'worker-1', message: 'the Parley worker this request needs did not answer within 300 ms (slow.step)' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a process nobody listens for (gone): ProcessGone at once, without waiting for the timeout', async () => {
    const { api, worker } = await deploy({ timeoutMs: 60_000 });
    await worker.close();
    const started = Date.now();
    const error = await api.send('worker-1', 'sum.add', { a: 1, b: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProcessGone);
    expect((error as ProcessGone).processId).toBe('worker-1');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a command to this process itself runs its handler here, within the same timeout', async () => {
    const { worker } = await deploy({ timeoutMs: 300 });
    worker.handle('sum.add', async ({ a, b }) => ({ sum: a * 10 + b }));
    worker.handle('slow.step', () => new Promise(() => {}));
    await expect(worker.send('worker-1', 'sum.add', { a: 4, b: 2 })).resolves.toEqual({ sum: 42 });
    await expect(worker.send('worker-1', 'slow.step', {})).rejects.toThrow(NoAnswer);
  });
});
