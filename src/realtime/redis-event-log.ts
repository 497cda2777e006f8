// The event log shared by every process: per operator a seq counter and a stream of its recent frames, whose
// entry ids are the seqs (`${seq}-0`), so a read by seq is a range and Redis itself refuses an out-of-order add.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import { RedisConnection } from '../redis/connection.js';
import type { Batch, EventLog, Frame, Numbered, Since } from './event-log.js';

export interface RedisEventLogOptions {
  url: string;
  prefix: string;
  maxPerOperator: number;
  logger: Logger;
}

// One script per batch: counter and stream change together, so seq order is storage order across processes.
// It also recreates the epoch if Redis lost it (a flush restarts the counters), and returns the current one.
// Each payload is sent once and added to the stream of every operator who receives it.
// KEYS: epoch, then (seq, frames) per delivery. ARGV: candidate epoch, max length, payload count P, then
// (type, data) per payload, then the payload's index (1-based) per delivery.
const APPEND = `
redis.call('SET', KEYS[1], ARGV[1], 'NX')
local payloads = tonumber(ARGV[3])
local first = 4 + 2 * payloads
local seqs = {}
for i = 1, (#KEYS - 1) / 2 do
  local p = tonumber(ARGV[first + i - 1])
  local seq = redis.call('INCR', KEYS[2 * i])
  redis.call('XADD', KEYS[2 * i + 1], 'MAXLEN', ARGV[2], seq .. '-0', 'type', ARGV[2 + 2 * p], 'data', ARGV[3 + 2 * p])
  seqs[i] = seq
end
return {redis.call('GET', KEYS[1]), seqs}
`;

type StreamEntry = [id: string, fields: string[]];

export class RedisEventLog implements EventLog {
  #epoch = '';
  readonly #connection: RedisConnection;
  readonly #prefix: string;
  readonly #max: number;

  private constructor(connection: RedisConnection, prefix: string, max: number) {
    this.#connection = connection;
    this.#prefix = prefix;
    this.#max = max;
  }

  static async open({ url, prefix, maxPerOperator, logger }: RedisEventLogOptions): Promise<RedisEventLog> {
    if (!Number.isInteger(maxPerOperator) || maxPerOperator < 1) throw new Error('maxPerOperator must be a positive integer');
    const log = new RedisEventLog(new RedisConnection(url, { logger, purpose: 'event log' }), prefix, maxPerOperator);
    try {
      await log.refresh();
      return log;
    } catch (error) {
      await log.close();
      throw error;
    }
  }

  /** Reads the epoch, creating it when Redis has none (a first start, or Redis restarted empty). */
  async refresh(): Promise<void> {
    const epochKey = `${this.#prefix}:events:epoch`;
    const epoch = await this.#connection.run(async (redis) => {
      await redis.set(epochKey, randomUUID(), 'NX');
      return redis.get(epochKey);
    });
    if (epoch === null) throw new Error(`${epochKey} vanished right after it was set`);
    this.#epoch = epoch;
  }

  get epoch(): string {
    return this.#epoch;
  }

  async append({ payloads, deliveries }: Batch): Promise<Numbered[]> {
    if (deliveries.length === 0) return [];
    const keys = [`${this.#prefix}:events:epoch`];
    const args = [randomUUID(), String(this.#max), String(payloads.length)];
    for (const { type, data } of payloads) args.push(type, JSON.stringify(data) ?? 'null');
    for (const { operatorId, payload } of deliveries) {
      keys.push(this.#seqKey(operatorId), this.#framesKey(operatorId));
      args.push(String(payload + 1));
    }
    const [epoch, seqs] = (await this.#connection.run((redis) => redis.eval(APPEND, keys.length, ...keys, ...args))) as [string, number[]];
    this.#epoch = epoch;
    return deliveries.map(({ operatorId, payload }, index) => ({ operatorId, seq: seqs[index] ?? 0, payload }));
  }

  async since(operatorId: number, seq: number): Promise<Since> {
    const first = Math.max(seq, 0) + 1;
    const [head, entries] = await this.#read(operatorId, first);
    if (seq > head) return { gone: true };
    const frames = entries.map(toFrame);
    // Seqs have no gaps, so the frames are all there exactly when the first one follows `seq`.
    if (seq < head && frames[0]?.seq !== first) return { gone: true };
    return { frames };
  }

  /** The head and the stored frames from seq `first` on, read in one transaction so they agree. */
  async #read(operatorId: number, first: number): Promise<[head: number, entries: StreamEntry[]]> {
    const read = (redis: Redis) => redis.multi().get(this.#seqKey(operatorId)).xrange(this.#framesKey(operatorId), `${first}-0`, '+').exec();
    const replies = await this.#connection.run(read);
    const failure = replies?.find(([error]) => error)?.[0];
    if (!replies || failure) throw failure ?? new Error('the event log read was aborted');
    return [Number(replies[0]?.[1] ?? 0), (replies[1]?.[1] ?? []) as StreamEntry[]];
  }

  async head(operatorId: number): Promise<number> {
    return Number((await this.#connection.run((redis) => redis.get(this.#seqKey(operatorId)))) ?? 0);
  }

  async close(): Promise<void> {
    await this.#connection.close();
  }

  #seqKey(operatorId: number): string {
    return `${this.#prefix}:events:${operatorId}:seq`;
  }

  #framesKey(operatorId: number): string {
    return `${this.#prefix}:events:${operatorId}:frames`;
  }
}

function toFrame([id, fields]: StreamEntry): Frame {
  const [, type = '', , data = 'null'] = fields; // written as: type, <type>, data, <json>
  return { type, seq: Number(id.split('-')[0]), data: JSON.parse(data) };
}
