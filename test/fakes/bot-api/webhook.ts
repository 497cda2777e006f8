// Delivers a bot's queued updates to its webhook, one at a time, in order, until each gets a 2xx.
import { request } from 'node:http';
import type { Update, WebhookInfo } from '@grammyjs/types';
import { now, sleep } from './clock.js';
import type { ServerSettings } from './types.js';
import type { UpdateQueue } from './update-queue.js';

export interface WebhookConfig {
  url: string;
  secretToken: string | undefined;
  maxConnections: number;
  hasCustomCertificate: boolean;
}

/** Runs a method the receiver put in its answer (the Bot API's "webhook reply"). */
export type WebhookReplyHandler = (params: Record<string, unknown>) => Promise<void>;

type Outcome = { ok: true; body: Buffer } | { ok: false; error: string };

export class WebhookDelivery {
  private config: WebhookConfig | undefined;
  private lastError: { date: number; message: string } | undefined;
  private running: Promise<void> | undefined;
  private abort = new AbortController();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly queue: UpdateQueue,
    private readonly settings: ServerSettings,
    private readonly onReply: WebhookReplyHandler,
  ) {
    this.unsubscribe = queue.onPush(() => this.kick());
  }

  get active(): boolean {
    return this.config !== undefined;
  }

  set(config: WebhookConfig): void {
    this.interrupt();
    this.config = config;
    this.kick();
  }

  remove(): void {
    this.interrupt();
    this.config = undefined;
  }

  info(): WebhookInfo {
    const info: WebhookInfo = {
      url: this.config?.url ?? '',
      has_custom_certificate: this.config?.hasCustomCertificate ?? false,
      pending_update_count: this.queue.size,
    };
    if (this.config === undefined) return info;
    info.max_connections = this.config.maxConnections;
    const allowed = this.queue.allowedUpdates();
    if (allowed !== undefined) info.allowed_updates = allowed;
    if (this.lastError !== undefined) {
      info.last_error_date = this.lastError.date;
      info.last_error_message = this.lastError.message;
    }
    return info;
  }

  async close(): Promise<void> {
    this.unsubscribe();
    this.remove();
    await this.running;
  }

  /** A new URL or a removal abandons the request in flight; its update stays queued. */
  private interrupt(): void {
    this.abort.abort();
    this.abort = new AbortController();
  }

  private kick(): void {
    if (this.running !== undefined || this.config === undefined || this.queue.size === 0) return;
    this.running = this.deliverAll().finally(() => {
      this.running = undefined;
      this.kick();
    });
  }

  private async deliverAll(): Promise<void> {
    for (;;) {
      const update = this.queue.first();
      const config = this.config;
      if (update === undefined || config === undefined) return;
      const { signal } = this.abort;
      const outcome = await post(config, update, signal, this.settings.webhookTimeoutMs);
      if (signal.aborted) continue;
      if (outcome.ok) {
        this.queue.remove(update.update_id);
        await this.runReply(outcome.body);
      } else {
        this.lastError = { date: now(), message: outcome.error };
        await sleep(this.settings.webhookRetryDelayMs, signal);
      }
    }
  }

  private async runReply(body: Buffer): Promise<void> {
    let reply: unknown;
    try {
      reply = JSON.parse(body.toString('utf8'));
    } catch {
      return;
    }
    if (typeof reply === 'object' && reply !== null && 'method' in reply && typeof reply.method === 'string') {
      await this.onReply({ ...reply });
    }
  }
}

function post(config: WebhookConfig, update: Update, signal: AbortSignal, timeoutMs: number): Promise<Outcome> {
  const body = JSON.stringify(update);
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  };
  if (config.secretToken !== undefined) headers['x-telegram-bot-api-secret-token'] = config.secretToken;
  return new Promise((resolve) => {
    const req = request(config.url, { method: 'POST', headers, agent: false, signal, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => resolve({ ok: false, error: error.message }));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve({ ok: true, body: Buffer.concat(chunks) });
        else resolve({ ok: false, error: `Wrong response from the webhook: ${status} ${res.statusMessage ?? ''}` });
      });
    });
    req.on('timeout', () => req.destroy(new Error('Read timeout expired')));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, error: describe(error) }));
    req.end(body);
  });
}

function describe(error: NodeJS.ErrnoException): string {
  if (error.code === 'ECONNREFUSED') return 'Connection refused';
  if (error.code === 'ECONNRESET') return 'Connection reset by peer';
  return error.message;
}
