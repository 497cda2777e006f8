// One bot account: long polling, or a webhook registration when PUBLIC_URL is set; sends and downloads.
// A token Telegram stops accepting (401) puts the account in status error through the sink, and the
// runtime then stops the channel until an admin starts it again.
import type { Update } from 'grammy/types';
import { backoffDelay } from '../../domain/backoff.js';
import type { Account, AccountStatus } from '../../domain/account.js';
import { ChannelUnavailable } from '../../domain/errors.js';
import type { Logger } from '../../log.js';
import type { Keys } from '../../security/keys.js';
import type { ChannelStateRepository } from '../../store/channel-state.js';
import type { Channel, Download, InboundSink, OutboundMessage, SendResult } from '../channel.js';
import { BotApiFailure, BotClient } from './client.js';
import { downloadFile } from './download.js';
import { Polling } from './polling.js';
import { sendError, sendOutbound } from './send.js';
import { storeUpdate } from './store-update.js';
import { registerWebhook, removeWebhook, webhookSecret, webhookUrl } from './webhook.js';

export interface BotChannelOptions {
  apiRoot: string;
  /** Webhook mode when set. */
  publicUrl: URL | undefined;
  downloadLimitBytes: number;
  keys: Keys;
  state: ChannelStateRepository;
  logger: Logger;
  /** First pause after a failed poll or registration; doubles up to a minute. */
  retryBaseMs: number;
  pollTimeoutSeconds: number;
  /** Counts an update skipped because it can never be stored. */
  countSkipped(accountId: Account['id']): Promise<void>;
  /** False while this process's hold on the account is uncertain (a worker paused past its lease). */
  mayPoll(): boolean;
  /** Told of every failed Bot API call (metrics). */
  onFailure?: (failure: BotApiFailure) => void;
}

const OFFSET_KEY = 'offset';
const MAX_RETRY_MS = 60_000;

export class TelegramBotChannel implements Channel {
  readonly network = 'telegram' as const;
  readonly capabilities = { idempotentSend: false };
  readonly accountId: Account['id'];
  private readonly client: BotClient | null;
  private readonly logger: Logger;
  private sink: InboundSink | undefined;
  private polling: Polling | undefined;
  private registration: { stop(): void; done: Promise<void> } | undefined;
  private revokedReported = false;

  /** `token` is null when the stored one could not be read; start() then says so. */
  constructor(
    account: Account,
    token: string | null,
    private readonly options: BotChannelOptions,
  ) {
    this.accountId = account.id;
    this.logger = options.logger;
    this.client = token ? new BotClient(token, { apiRoot: options.apiRoot, timeoutSeconds: options.pollTimeoutSeconds + 60, onFailure: options.onFailure }) : null;
  }

  async start(sink: InboundSink): Promise<void> {
    this.sink = sink;
    this.revokedReported = false;
    if (!this.client) {
      await this.report('error', 'the stored bot token cannot be read (was SECRET_KEY changed?); delete the bot and add it again');
      return;
    }
    if (this.options.publicUrl) await this.startWebhook(this.client, this.options.publicUrl);
    else await this.startPolling(this.client);
  }

  async stop(): Promise<void> {
    this.registration?.stop();
    await Promise.all([this.polling?.stop(), this.registration?.done]);
    this.polling = undefined;
    this.registration = undefined;
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const client = this.requireClient();
    try {
      return await sendOutbound(client, message);
    } catch (error) {
      const failure = client.failure(error);
      if (failure.kind === 'unauthorized') await this.revoked(failure);
      throw sendError(failure);
    }
  }

  async download(fileRef: string): Promise<Download> {
    const client = this.requireClient();
    try {
      return await downloadFile(client, fileRef, this.options.downloadLimitBytes);
    } catch (error) {
      if (!(error instanceof BotApiFailure)) throw error;
      if (error.kind === 'unauthorized') await this.revoked(error);
      if (error.kind === 'rejected') throw new Error(`Telegram refused the file: ${error.description}`, { cause: error });
      throw new ChannelUnavailable(error.description, error.retryAfter ?? undefined);
    }
  }

  private async startPolling(client: BotClient): Promise<void> {
    try {
      await removeWebhook(client, this.logger);
    } catch (error) {
      const failure = client.failure(error);
      if (failure.kind === 'unauthorized') return this.revoked(failure);
      // Telegram is out of reach for now: the loop keeps trying and reports the state.
      this.logger.warn({ reason: failure.description }, 'bot: could not check for a webhook before polling');
    }
    const stored = await this.options.state.get(this.accountId, OFFSET_KEY);
    this.polling = new Polling({
      client,
      offsets: { save: (offset) => this.options.state.set(this.accountId, OFFSET_KEY, String(offset)) },
      deliver: (update) => this.deliver(update),
      report: (status, reason, until) => this.report(status, reason, until),
      revoked: (failure) => this.revoked(failure),
      logger: this.logger,
      timeoutSeconds: this.options.pollTimeoutSeconds,
      retryBaseMs: this.options.retryBaseMs,
      mayPoll: () => this.options.mayPoll(),
    });
    await this.report('active', null);
    this.polling.start(stored === null ? undefined : Number(stored));
    this.logger.info({ offset: stored }, 'bot polling for updates');
  }

  /** Registers the webhook; when Telegram is out of reach, keeps trying in the background until stopped. */
  private async startWebhook(client: BotClient, publicUrl: URL): Promise<void> {
    const url = webhookUrl(publicUrl, this.accountId);
    const secret = webhookSecret(this.options.keys, this.accountId);
    let stopped = false;
    let wake: () => void = () => undefined;
    const attempt = async (): Promise<boolean> => {
      try {
        await registerWebhook(client, url, secret);
        await this.report('active', null);
        this.logger.info({ url }, 'bot webhook registered');
        return true;
      } catch (error) {
        const failure = client.failure(error);
        if (failure.kind === 'unauthorized') await this.revoked(failure);
        else if (failure.kind === 'rejected') await this.report('error', `Telegram refused the webhook ${url}: ${failure.description}`);
        else {
          await this.report('connecting', `the webhook could not be registered yet (${failure.description}); retrying`);
          return false;
        }
        return true;
      }
    };
    if (await attempt()) return;
    const retry = async (): Promise<void> => {
      for (let failures = 1; !stopped; failures += 1) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, backoffDelay(this.options.retryBaseMs, failures + 1, MAX_RETRY_MS));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        if (stopped || (await attempt())) return;
      }
    };
    this.registration = {
      stop: () => {
        stopped = true;
        wake();
      },
      done: retry(),
    };
  }

  /** One update into the sink; one that can never be stored is skipped (see store-update.ts), not retried forever. */
  private async deliver(update: Update): Promise<void> {
    const sink = this.sink;
    if (!sink) throw new Error('the channel is stopped');
    await storeUpdate(update, { store: sink, countSkipped: () => this.options.countSkipped(this.accountId), logger: this.logger });
  }

  private async revoked(failure: BotApiFailure): Promise<void> {
    if (this.revokedReported) return;
    this.revokedReported = true;
    this.logger.warn({ reason: failure.description }, 'bot token refused by Telegram; stopping the account');
    await this.report(
      'error',
      `Telegram no longer accepts this bot's token (${failure.code ?? 401} ${failure.description}): it was revoked or replaced ` +
        'in @BotFather; give the account its new token and start it again',
    );
  }

  private async report(status: AccountStatus, reason: string | null, until?: Date): Promise<void> {
    await this.sink?.({ type: 'account.status', status, reason, until: until ?? null });
  }

  private requireClient(): BotClient {
    if (!this.client) throw new ChannelUnavailable('the stored bot token cannot be read');
    return this.client;
  }
}
