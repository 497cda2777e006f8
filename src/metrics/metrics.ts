// Parley's Prometheus metrics: one registry per Parley instance (tests run several in one process), the
// counters and histograms the hot paths touch (one increment each), and gauges read only when scraped.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { QueueDepth } from '../jobs/queue.js';
import type { LeaseMove } from '../leases/lease.js';

/** Where a message came from or went to: the account's type and id (a handful of accounts per deployment). */
export interface MessageSource {
  accountType: string;
  accountId: number;
}


/** A failed Telegram call as the connectors classify it. */
export interface TelegramError {
  api: 'bot' | 'mtproto';
  /** flood, auth, network, conflict, rejected, other */
  kind: string;
  /** Bot API: the HTTP code (or `network`); MTProto: the error name (FLOOD_WAIT_%d as FLOOD_WAIT). */
  error: string;
}

/** Values read at scrape time from the parts that hold them. */
export interface MetricSources {
  openSockets(): number;
  accountsByStatus(): Promise<{ type: string; status: string; count: number }[]>;
  queues(): Promise<QueueDepth[]>;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 100];
const SEND_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export class ParleyMetrics {
  readonly registry = new Registry();
  readonly #ingested: Counter<'account_type' | 'account_id' | 'direction'>;
  readonly #sent: Counter<'account_type' | 'account_id'>;
  readonly #failed: Counter<'account_type' | 'account_id' | 'reason'>;
  readonly #ingestToSocket: Histogram;
  readonly #ingestBatch: Histogram;
  readonly #sendLatency: Histogram<'account_type'>;
  readonly #leaseMoves: Counter<'reason'>;
  readonly #telegramErrors: Counter<'api' | 'kind' | 'error'>;
  #sources: MetricSources | undefined;

  constructor(labels: { role: string }) {
    const registers = [this.registry];
    this.registry.setDefaultLabels(labels);
    collectDefaultMetrics({ register: this.registry });
    this.#ingested = new Counter({
      name: 'parley_messages_ingested_total',
      help: 'Messages stored from a source (repeats not counted)',
      labelNames: ['account_type', 'account_id', 'direction'],
      registers,
    });
    this.#sent = new Counter({ name: 'parley_messages_sent_total', help: 'Outgoing messages Telegram accepted', labelNames: ['account_type', 'account_id'], registers });
    this.#failed = new Counter({
      name: 'parley_messages_failed_total',
      help: 'Outgoing messages that failed for good, by reason',
      labelNames: ['account_type', 'account_id', 'reason'],
      registers,
    });
    this.#ingestToSocket = new Histogram({
      name: 'parley_ingest_to_socket_seconds',
      help: "From an inbound message's commit to its frame written on an operator's socket",
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.#ingestBatch = new Histogram({
      name: 'parley_ingest_batch_size',
      help: 'New inbound messages stored per ingest transaction (concurrent updates share one)',
      buckets: BATCH_BUCKETS,
      registers,
    });
    this.#sendLatency = new Histogram({
      name: 'parley_send_seconds',
      help: 'From an outgoing message row created to Telegram accepting it',
      labelNames: ['account_type'],
      buckets: SEND_BUCKETS,
      registers,
    });
    this.#leaseMoves = new Counter({ name: 'parley_lease_moves_total', help: 'Account leases taken, taken over, released or lost', labelNames: ['reason'], registers });
    this.#telegramErrors = new Counter({
      name: 'parley_telegram_errors_total',
      help: 'Failed Telegram calls by API, kind and error',
      labelNames: ['api', 'kind', 'error'],
      registers,
    });
    this.#registerGauges(registers);
  }

  /** Connects the scrape-time gauges to the parts that know their values (once they exist). */
  watch(sources: MetricSources): void {
    this.#sources = sources;
  }

  messageIngested(source: MessageSource, direction: 'in' | 'out'): void {
    this.#ingested.inc({ account_type: source.accountType, account_id: source.accountId, direction });
  }

  /** An ingest transaction committed holding `size` new messages (repeats included). */
  ingestTransaction(size: number): void {
    this.#ingestBatch.observe(size);
  }

  messageSent(source: MessageSource, createdAt: Date): void {
    this.#sent.inc({ account_type: source.accountType, account_id: source.accountId });
    this.#sendLatency.observe({ account_type: source.accountType }, Math.max(0, Date.now() - createdAt.getTime()) / 1000);
  }

  messageFailed(source: MessageSource, reason: string): void {
    this.#failed.inc({ account_type: source.accountType, account_id: source.accountId, reason });
  }

  /** An inbound message's frame was written on a socket; `committedAt` is when its ingest committed. */
  frameDelivered(committedAt: number): void {
    this.#ingestToSocket.observe(Math.max(0, Date.now() - committedAt) / 1000);
  }

  /** For the lease code: an account's lease changed hands. */
  leaseMoved(reason: LeaseMove): void {
    this.#leaseMoves.inc({ reason });
  }

  telegramError(error: TelegramError): void {
    this.#telegramErrors.inc({ api: error.api, kind: error.kind, error: error.error });
  }

  /** The text Prometheus scrapes. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  #registerGauges(registers: Registry[]): void {
    const sources = () => this.#sources;
    new Gauge({
      name: 'parley_open_sockets',
      help: "Operators' WebSockets open on this process",
      registers,
      collect() {
        this.set(sources()?.openSockets() ?? 0);
      },
    });
    new Gauge({
      name: 'parley_accounts',
      help: 'Accounts (not deleted) by type and status',
      labelNames: ['type', 'status'],
      registers,
      async collect() {
        const counts = await unlessFailed(sources()?.accountsByStatus());
        this.reset();
        for (const { type, status, count } of counts) this.set({ type, status }, count);
      },
    });
    // Both queue gauges are filled from one read per scrape: the registry collects its metrics concurrently.
    let reading: Promise<QueueDepth[]> | undefined;
    const readQueues = () => (reading ??= unlessFailed(sources()?.queues()).finally(() => (reading = undefined)));
    new Gauge({
      name: 'parley_job_queue_depth',
      help: 'Jobs by queue and state (waiting: ready to run; delayed: waiting for a retry or a time; active)',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        const queues = await readQueues();
        this.reset();
        for (const q of queues) {
          this.set({ queue: q.queue, state: 'waiting' }, q.waiting);
          this.set({ queue: q.queue, state: 'delayed' }, q.delayed);
          this.set({ queue: q.queue, state: 'active' }, q.active);
        }
      },
    });
    new Gauge({
      name: 'parley_job_oldest_waiting_seconds',
      help: 'Age of the oldest job ready to run, by queue (0 when none waits)',
      labelNames: ['queue'],
      registers,
      async collect() {
        const queues = await readQueues();
        this.reset();
        for (const q of queues) this.set({ queue: q.queue }, q.oldestWaitingMs / 1000);
      },
    });
  }
}

/** Longest wait for a scrape-time source: a scrape must answer within Prometheus' timeout (10 s by default). */
const SOURCE_TIMEOUT_MS = 2_000;

/** A source that cannot be read now (Redis down) leaves its series out of this scrape instead of failing it. */
async function unlessFailed<T>(reading: Promise<T[]> | undefined): Promise<T[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T[]>((resolve) => (timer = setTimeout(() => resolve([]), SOURCE_TIMEOUT_MS)));
  try {
    return await Promise.race([(reading ?? Promise.resolve([])).catch(() => []), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
