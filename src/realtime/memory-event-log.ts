// The event log of a single process: a ring of the last `maxPerOperator` frames per operator. Frames are kept
// as JSON, as in Redis, so what a client reads back never shares objects with what was appended.
import { randomUUID } from 'node:crypto';
import type { Batch, EventLog, Frame, Numbered, Since } from './event-log.js';

export interface MemoryEventLogOptions {
  maxPerOperator: number;
}

interface Stored {
  type: string;
  seq: number;
  json: string;
}

interface OperatorLog {
  head: number;
  /** The frame with seq s sits at s % maxPerOperator, so the ring holds exactly the seqs (head - max, head]. */
  ring: Stored[];
}

export class MemoryEventLog implements EventLog {
  readonly epoch = randomUUID();
  readonly #max: number;
  readonly #operators = new Map<number, OperatorLog>();

  constructor({ maxPerOperator }: MemoryEventLogOptions) {
    if (!Number.isInteger(maxPerOperator) || maxPerOperator < 1) throw new Error('maxPerOperator must be a positive integer');
    this.#max = maxPerOperator;
  }

  async append({ payloads, deliveries }: Batch): Promise<Numbered[]> {
    // Each payload is serialized once; its recipients' rings share the string.
    const json = payloads.map(({ data }) => JSON.stringify(data) ?? 'null');
    return deliveries.map(({ operatorId, payload }) => {
      const log = this.#log(operatorId);
      log.head += 1;
      log.ring[log.head % this.#max] = { type: payloads[payload]?.type ?? '', seq: log.head, json: json[payload] ?? 'null' };
      return { operatorId, seq: log.head, payload };
    });
  }

  /** Memory is never away: the epoch stays. */
  async refresh(): Promise<void> {}

  async since(operatorId: number, seq: number): Promise<Since> {
    const log = this.#operators.get(operatorId) ?? { head: 0, ring: [] };
    if (seq > log.head || seq < log.head - this.#max) return { gone: true };
    const frames: Frame[] = [];
    for (let next = seq + 1; next <= log.head; next += 1) {
      const stored = log.ring[next % this.#max];
      if (stored) frames.push(frame(stored));
    }
    return { frames };
  }

  async head(operatorId: number): Promise<number> {
    return this.#operators.get(operatorId)?.head ?? 0;
  }

  async close(): Promise<void> {}

  #log(operatorId: number): OperatorLog {
    let log = this.#operators.get(operatorId);
    if (!log) {
      log = { head: 0, ring: [] };
      this.#operators.set(operatorId, log);
    }
    return log;
  }
}

function frame({ type, seq, json }: Stored): Frame {
  return { type, seq, data: JSON.parse(json) };
}
