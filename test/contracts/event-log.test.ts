// The EventLog contract (src/realtime/event-log.ts), run against the in-process log and, when Redis answers, the
// Redis log. "Another process" is a second RedisEventLog on the same prefix; the memory log is its own only peer.
import { afterEach, describe, expect, it } from 'vitest';
import type { EventLog, Frame } from '../../src/realtime/event-log.js';
import { MemoryEventLog } from '../../src/realtime/memory-event-log.js';
import { RedisEventLog } from '../../src/realtime/redis-event-log.js';
import { deleteKeys, randomPrefix, redisUrl, silentLogger } from './support.js';

interface LogKind {
  name: string;
  /** A log on storage of its own; `peer` opens another process's log on it, `restart` numbers it anew. */
  deploy(maxPerOperator: number): Promise<{
    log: EventLog;
    peer(): Promise<EventLog>;
    restart(): Promise<EventLog>;
    prefix?: string;
  }>;
}

const kinds: LogKind[] = [
  {
    name: 'MemoryEventLog',
    async deploy(maxPerOperator) {
      const log = new MemoryEventLog({ maxPerOperator });
      return { log, peer: async () => log, restart: async () => new MemoryEventLog({ maxPerOperator }) };
    },
  },
];
if (redisUrl) {
  const url = redisUrl;
  kinds.push({
    name: 'RedisEventLog',
    async deploy(maxPerOperator) {
      const prefix = randomPrefix();
      const open = () => RedisEventLog.open({ url, prefix, maxPerOperator, logger: silentLogger });
      const restart = async () => {
        await deleteKeys(url, [prefix]); // what a flushed Redis looks like to this deployment
        return open();
      };
      return { log: await open(), peer: open, restart, prefix };
    },
  });
}

const frame = (operatorId: number, type: string, data: unknown = {}) => ({ operatorId, type, data });
const seqs = (frames: Frame[]) => frames.map((each) => each.seq);

/** Appends each frame as a payload of its own and returns them numbered, with their payload. */
async function append(log: EventLog, frames: ReturnType<typeof frame>[]): Promise<(Frame & { operatorId: number })[]> {
  const payloads = frames.map(({ type, data }) => ({ type, data }));
  const numbered = await log.append({ payloads, deliveries: frames.map(({ operatorId }, payload) => ({ operatorId, payload })) });
  return numbered.map(({ operatorId, seq, payload }) => ({ operatorId, seq, type: payloads[payload]?.type ?? '', data: payloads[payload]?.data }));
}

async function framesSince(log: EventLog, operatorId: number, seq: number): Promise<Frame[]> {
  const since = await log.since(operatorId, seq);
  if ('gone' in since) throw new Error(`frames after ${seq} of operator ${operatorId} are gone`);
  return since.frames;
}

describe.each(kinds)('$name', (kind) => {
  const opened = new Set<EventLog>();
  const prefixes: string[] = [];

  async function deploy(maxPerOperator = 100) {
    const deployment = await kind.deploy(maxPerOperator);
    if (deployment.prefix) prefixes.push(deployment.prefix);
    const track = async (open: () => Promise<EventLog>) => {
      const log = await open();
      opened.add(log);
      return log;
    };
    opened.add(deployment.log);
    return { log: deployment.log, peer: () => track(deployment.peer), restart: () => track(deployment.restart) };
  }

  afterEach(async () => {
    await Promise.all([...opened].map((log) => log.close()));
    opened.clear();
    if (redisUrl) await deleteKeys(redisUrl, prefixes.splice(0));
  });

  it('numbers each operator’s frames from 1, separately per operator', async () => {
    const { log } = await deploy();
    expect(await log.head(1)).toBe(0);
    const appended = await append(log, [frame(1, 'chat.updated', { chatId: '5' }), frame(2, 'message.created'), frame(1, 'chat.read')]);
    expect(appended).toEqual([
      { operatorId: 1, type: 'chat.updated', seq: 1, data: { chatId: '5' } },
      { operatorId: 2, type: 'message.created', seq: 1, data: {} },
      { operatorId: 1, type: 'chat.read', seq: 2, data: {} },
    ]);
    expect(await log.head(1)).toBe(2);
    expect(await log.head(2)).toBe(1);
    expect(await log.head(3)).toBe(0);
    expect(await append(log, [])).toEqual([]);
  });

  it('numbers one payload shared by several operators once per operator, in delivery order', async () => {
    const { log } = await deploy();
    await append(log, [frame(2, 'earlier')]);
    const payloads = [{ type: 'message.created', data: { text: 'shared' } }, { type: 'chat.updated', data: { id: '9' } }];
    const deliveries = [1, 2, 3].flatMap((operatorId) => [0, 1].map((payload) => ({ operatorId, payload })));
    const numbered = await log.append({ payloads, deliveries });
    expect(numbered).toEqual([
      { operatorId: 1, seq: 1, payload: 0 },
      { operatorId: 1, seq: 2, payload: 1 },
      { operatorId: 2, seq: 2, payload: 0 },
      { operatorId: 2, seq: 3, payload: 1 },
      { operatorId: 3, seq: 1, payload: 0 },
      { operatorId: 3, seq: 2, payload: 1 },
    ]);
    for (const operatorId of [1, 3]) {
      expect(await framesSince(log, operatorId, 0)).toEqual([
        { type: 'message.created', seq: 1, data: { text: 'shared' } },
        { type: 'chat.updated', seq: 2, data: { id: '9' } },
      ]);
    }
    expect((await framesSince(log, 2, 1)).map(({ type, seq }) => [type, seq])).toEqual([['message.created', 2], ['chat.updated', 3]]);
    expect(await log.append({ payloads, deliveries: [] })).toEqual([]);
  });

  it('shares one numbering and one epoch between processes', async () => {
    const { log, peer } = await deploy();
    const other = await peer();
    expect(other.epoch).toBe(log.epoch);
    await append(log, [frame(1, 'a'), frame(1, 'b')]);
    const [third] = await append(other, [frame(1, 'c')]);
    expect(third?.seq).toBe(3);
    expect(await log.head(1)).toBe(3);
    expect((await framesSince(log, 1, 0)).map((each) => each.type)).toEqual(['a', 'b', 'c']);
  });

  it('numbers concurrent batches from several processes without gaps, stored in seq order', async () => {
    const { log, peer } = await deploy(1000);
    const processes = [log, await peer(), await peer()];
    const batches = await Promise.all(
      Array.from({ length: 30 }, (_, n) =>
        append(processes[n % 3] ?? log, [frame(1, 'x', { n }), frame(2, 'y', { n }), frame(1, 'z', { n })]),
      ),
    );
    for (const operatorId of [1, 2]) {
      const mine = batches.flat().filter((each) => each.operatorId === operatorId).sort((a, b) => a.seq - b.seq);
      expect(seqs(mine)).toEqual(Array.from({ length: mine.length }, (_, index) => index + 1));
      const stored = await framesSince(processes[operatorId] ?? log, operatorId, 0);
      expect(stored).toEqual(mine.map(({ type, seq, data }) => ({ type, seq, data })));
    }
    // Within one batch an operator's frames keep their order.
    for (const [x, , z] of batches) expect(z?.seq).toBeGreaterThan(x?.seq ?? Infinity);
  });

  it('returns the frames after a seq, in order, and none after the head', async () => {
    const { log } = await deploy();
    await append(log, [1, 2, 3, 4, 5].map((n) => frame(7, 'message.created', { n })));
    const after2 = await framesSince(log, 7, 2);
    expect(after2).toEqual([3, 4, 5].map((n) => ({ type: 'message.created', seq: n, data: { n } })));
    expect(await framesSince(log, 7, 5)).toEqual([]);
    expect(await framesSince(log, 8, 0)).toEqual([]);
  });

  it('answers gone when the seq is ahead of the log (another epoch’s numbering)', async () => {
    const { log } = await deploy();
    await append(log, [frame(1, 'a'), frame(1, 'b')]);
    expect(await log.since(1, 3)).toEqual({ gone: true });
    expect(await log.since(2, 1)).toEqual({ gone: true });
  });

  it('keeps at least maxPerOperator frames and answers gone once older ones were dropped', async () => {
    const { log } = await deploy(5);
    await append(log, [1, 2, 3].map((n) => frame(1, 'm', { n })));
    await append(log, [4, 5, 6, 7, 8, 9, 10].map((n) => frame(1, 'm', { n })));
    await append(log, [frame(1, 'm', { n: 11 }), frame(2, 'other'), frame(1, 'm', { n: 12 })]);
    expect(seqs(await framesSince(log, 1, 7))).toEqual([8, 9, 10, 11, 12]);
    expect(await log.since(1, 6)).toEqual({ gone: true });
    expect(await log.since(1, 0)).toEqual({ gone: true });
    expect(seqs(await framesSince(log, 2, 0))).toEqual([1]);
  });

  it('hands out copies: changing a frame read back changes nothing stored', async () => {
    const { log } = await deploy();
    const data = { chat: { title: 'Support', tags: ['vip'] }, text: 'héllo 👋' };
    const original = structuredClone(data);
    const [appended] = await append(log, [frame(1, 'chat.updated', data)]);
    data.chat.title = 'changed by the caller';
    (appended?.data as typeof data).chat.tags.push('changed');
    const [read] = await framesSince(log, 1, 0);
    expect(read?.data).toEqual(original);
    (read?.data as typeof data).chat.title = 'changed by a reader';
    expect((await framesSince(log, 1, 0))[0]?.data).toEqual(original);
  });

  it('changes the epoch when the numbering restarts', async () => {
    const { log, restart } = await deploy();
    await append(log, [frame(1, 'a'), frame(1, 'b')]);
    const restarted = await restart();
    expect(restarted.epoch).not.toBe(log.epoch);
    expect(await restarted.head(1)).toBe(0);
    const [first] = await append(restarted, [frame(1, 'c')]);
    expect(first?.seq).toBe(1);
  });
});

describe.runIf(redisUrl)('RedisEventLog after Redis lost its data', () => {
  it('reports the new epoch in a process that was open before, from its next append on', async () => {
    const url = redisUrl ?? '';
    const prefix = randomPrefix();
    const before = await RedisEventLog.open({ url, prefix, maxPerOperator: 10, logger: silentLogger });
    try {
      await append(before, [frame(1, 'a')]);
      const oldEpoch = before.epoch;
      await deleteKeys(url, [prefix]);
      const after = await RedisEventLog.open({ url, prefix, maxPerOperator: 10, logger: silentLogger });
      await after.close();
      const [appended] = await append(before, [frame(1, 'b')]);
      expect(appended?.seq).toBe(1);
      expect(before.epoch).not.toBe(oldEpoch);
      expect(before.epoch).toBe(after.epoch);
    } finally {
      await before.close();
      await deleteKeys(url, [prefix]);
    }
  });
});
