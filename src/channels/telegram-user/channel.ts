// A personal Telegram account as a Parley channel: one mtcute client on the account's stored session, its
// updates ingested in order (the update state saved only behind them), catch-up on every (re)connection,
// sends with stored random ids, and Telegram's errors turned into account statuses.
import type { TelegramClient } from '@mtcute/core/client.js';
import { backoffDelay } from '../../domain/backoff.js';
import type { Account } from '../../domain/account.js';
import { ChannelUnavailable } from '../../domain/errors.js';
import type { ExternalId } from '../../domain/ids.js';
import type { Logger } from '../../log.js';
import type { SecretBox } from '../../security/secret-box.js';
import type { ChannelStateRepository } from '../../store/channel-state.js';
import type { AccountWrites } from '../../store/fencing.js';
import type { Database } from '../../store/db.js';
import { SendRejected, type Channel, type Download, type InboundEvent, type InboundSink, type OutboundMessage, type SendResult } from '../channel.js';
import { clientParams, type ApiCredentials, type TelegramClientFactory } from './client.js';
import { UncertainSends } from './echoes.js';
import { blocksChat, errorText, floodWaitSeconds, isRpcError, reauthReason, withTimeout } from './errors.js';
import { historyLimits, importIfPending } from './history.js';
import { IngestQueue } from './ingest-queue.js';
import { forwardMtcuteLogs } from './logs.js';
import { downloadAs, sendAs } from './outbound.js';
import { AccountStatusReporter, reauthMessage } from './status.js';
import { SessionStorage } from './storage/index.js';
import { eventOf, renamedEvent } from './updates.js';

const MAX_RECONNECT_DELAY_MS = 5 * 60_000;

export interface UserChannelOptions {
  database: Database;
  secrets: SecretBox;
  state: ChannelStateRepository;
  clients: TelegramClientFactory;
  credentials: ApiCredentials | null;
  logger: Logger;
  /** How long a (re)connection may take before the account shows `connecting` and tries again later. */
  connectTimeoutMs: number;
  /** First delay before reconnecting after a failure (doubles each time, up to 5 minutes). */
  retryBaseMs: number;
  /** Fences the session's writes (workers). */
  writes?: AccountWrites;
  /** Told of every error Telegram or the connection gave (metrics). */
  onError?: (error: unknown) => void;
}

/** One mtcute client with the storage and ingest queue that belong to it; replaced on every reconnection. */
interface Session {
  tg: TelegramClient;
  storage: SessionStorage;
  queue: IngestQueue;
  live: boolean;
  lastError: string | null;
  history: AbortController;
}

export class TelegramUserChannel implements Channel {
  readonly network = 'telegram' as const;
  readonly capabilities = { idempotentSend: true };
  readonly accountId: Account['id'];
  private sink: InboundSink | undefined;
  private session: Session | undefined;
  private stopped = true;
  private failures = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly background = new Set<Promise<unknown>>();
  private readonly uncertain = new UncertainSends();
  private readonly status: AccountStatusReporter;

  constructor(
    private readonly account: Account,
    private readonly options: UserChannelOptions,
  ) {
    this.accountId = account.id;
    this.status = new AccountStatusReporter(() => this.sink, options.logger);
  }

  async start(sink: InboundSink): Promise<void> {
    this.sink = sink;
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.status.stop();
    const session = this.session;
    this.session = undefined;
    if (session) await this.close(session);
    await Promise.allSettled([...this.background]);
    this.sink = undefined;
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const session = this.live();
    const timeoutMs = this.options.connectTimeoutMs;
    try {
      // An answer that never comes must not hold the send job: after the timeout the send counts as uncertain
      // and is retried with the same random id, which Telegram recognises if the first one went through.
      const result = await withTimeout(sendAs(session.tg, message), timeoutMs, () => new Error(`Telegram did not answer within ${Math.round(timeoutMs / 1000)} s`));
      if (this.status.status === 'flood_wait') this.supervise(this.status.report('active', null));
      return result;
    } catch (error) {
      throw this.sendFailure(error, message);
    }
  }

  async download(fileRef: string): Promise<Download> {
    return downloadAs(this.live().tg, fileRef);
  }

  async markRead(chatExternalId: ExternalId): Promise<void> {
    await this.live().tg.readHistory(Number(chatExternalId));
  }

  private live(): Session {
    const session = this.session;
    if (!session?.live) throw new ChannelUnavailable(`the Telegram account is not connected (${this.status.status ?? 'starting'})`);
    return session;
  }

  /** Connects on the stored session, catches up, and goes live; on failure reports why and tries again later. */
  private async connect(): Promise<void> {
    this.reconnectTimer = undefined;
    if (this.stopped) return;
    const credentials = this.options.credentials;
    if (!credentials) {
      await this.status.report('error', 'TELEGRAM_API_ID and TELEGRAM_API_HASH are not configured (nor set for this account)');
      return;
    }
    const session = this.open(credentials);
    this.session = session;
    try {
      const timeoutMs = this.options.connectTimeoutMs;
      const me = await withTimeout(session.tg.getMe(), timeoutMs, () => new Error(`Telegram did not answer within ${Math.round(timeoutMs / 1000)} s`));
      if (this.session !== session) return;
      // starts mtcute's updates loop: it catches up from the stored update state, then follows live updates
      await session.tg.notifyLoggedIn(me.raw);
      session.live = true;
      this.failures = 0;
      await this.status.report('active', null);
      this.supervise(this.importHistoryIfPending(session));
    } catch (error) {
      if (this.session === session) this.session = undefined;
      await this.close(session);
      if (this.stopped) return;
      await this.connectFailed(error, session.lastError);
    }
  }

  private async connectFailed(error: unknown, lastError: string | null): Promise<void> {
    this.options.onError?.(error);
    const reauth = reauthReason(error);
    if (reauth) {
      await this.status.report('needs_reauth', reauthMessage(reauth));
      return; // the runtime stops this channel; an admin logs the account in again
    }
    const flood = floodWaitSeconds(error);
    if (flood !== null) {
      await this.status.floodWait(flood, () => false);
      this.reconnectIn(flood * 1000);
      return;
    }
    const detail = lastError && !isRpcError(error) ? `${errorText(error)}; last error: ${lastError}` : errorText(error);
    this.options.logger.warn({ err: error }, 'personal account could not connect; retrying');
    await this.status.report('connecting', `cannot reach Telegram: ${detail}`);
    this.reconnectIn(this.backoff());
  }

  private backoff(): number {
    this.failures += 1;
    return backoffDelay(this.options.retryBaseMs, this.failures, MAX_RECONNECT_DELAY_MS);
  }

  private reconnectIn(delayMs: number): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.supervise(this.connect()), delayMs);
    this.reconnectTimer.unref();
  }

  private open(credentials: ApiCredentials): Session {
    const { database, secrets, clients, logger } = this.options;
    const holder: { session?: Session } = {};
    const queue = new IngestQueue({
      sink: (event) => this.deliver(event),
      logger,
      onFailure: (error) => holder.session && this.ingestFailed(holder.session, error),
    });
    const storage = new SessionStorage({ database, accountId: this.accountId, secrets, gate: queue, logger, writes: this.options.writes });
    const tg = clients(clientParams(this.account, storage, credentials, 'channel', logger));
    forwardMtcuteLogs(tg, logger);
    const session: Session = { tg, storage, queue, live: false, lastError: null, history: new AbortController() };
    holder.session = session;

    // both listeners run synchronously inside mtcute's dispatch, before it saves the state covering the update
    tg.onUpdate.add((update) => this.dispatch(session, () => eventOf(update)));
    tg.onRawUpdate.add((info) => this.dispatch(session, () => renamedEvent(info.update)));
    tg.onError.add((error) => this.clientError(session, error));
    tg.onConnectionState.add((state) => {
      if (!session.live || this.session !== session) return;
      if (state === 'connected' && this.status.status === 'connecting') this.supervise(this.status.report('active', null));
      if (state === 'connecting' || state === 'offline') {
        const reason = `connection to Telegram lost${session.lastError ? ` (${session.lastError})` : ''}; reconnecting`;
        this.supervise(this.status.report('connecting', reason));
      }
    });
    return session;
  }

  private dispatch(session: Session, map: () => InboundEvent | null): void {
    let event: InboundEvent | null;
    try {
      event = map();
    } catch (error) {
      this.options.logger.error({ err: error }, 'an update could not be read; skipped');
      return;
    }
    if (event) session.queue.pushUpdate(this.uncertain.recognise(event));
  }

  private async deliver(event: InboundEvent): Promise<void> {
    const sink = this.sink;
    if (!sink) throw new Error('the channel is stopped');
    await sink(event);
  }

  private clientError(session: Session, error: Error): void {
    this.options.onError?.(error);
    session.lastError = errorText(error);
    const reauth = reauthReason(error);
    if (reauth && this.session === session) {
      this.supervise(this.status.report('needs_reauth', reauthMessage(reauth)));
      return;
    }
    this.options.logger.debug({ err: error }, 'mtcute reported an error');
  }

  /** An update could not be stored: reconnect, so catch-up fetches it (and what followed) again. */
  private ingestFailed(session: Session, error: unknown): void {
    this.options.logger.error({ err: error }, 'an update could not be stored; reconnecting to fetch it again');
    this.supervise(
      (async () => {
        if (this.session !== session || this.stopped) return;
        this.session = undefined;
        await this.close(session);
        const delay = this.backoff();
        await this.status.report('connecting', `an update could not be stored (${errorText(error)}); fetching it again in ${Math.ceil(delay / 1000)} s`);
        this.reconnectIn(delay);
      })(),
    );
  }

  private async close(session: Session): Promise<void> {
    session.live = false;
    session.history.abort();
    try {
      await session.queue.close();
      await session.tg.destroy();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'mtcute client did not close cleanly');
    }
  }

  /** A failed send as the send job understands it; a dead session or a flood wait also changes the account. */
  private sendFailure(error: unknown, message: OutboundMessage): Error {
    if (error instanceof ChannelUnavailable || error instanceof SendRejected) return error;
    this.options.onError?.(error);
    const flood = floodWaitSeconds(error);
    if (flood !== null) {
      this.supervise(this.status.floodWait(flood, () => this.session?.live === true));
      return new ChannelUnavailable(`Telegram asked to wait ${flood} s before sending more`, flood);
    }
    const reauth = reauthReason(error);
    if (reauth) {
      this.supervise(this.status.report('needs_reauth', reauthMessage(reauth)));
      return new ChannelUnavailable(`the Telegram session ended (${reauth}); log the account in again`);
    }
    if (isRpcError(error) && (error.code === 400 || error.code === 403)) {
      return new SendRejected(error.text, `Telegram refused the message: ${error.text}`, blocksChat(error));
    }
    // a timeout, a dropped connection, Telegram's internal error: it may have arrived; retried with the same random id
    this.uncertain.remember(message);
    return new ChannelUnavailable(`sending failed: ${errorText(error)}`);
  }

  private async importHistoryIfPending(session: Session): Promise<void> {
    await importIfPending(session.tg, {
      state: this.options.state,
      accountId: this.accountId,
      limits: historyLimits(this.account.settings),
      signal: session.history.signal,
      store: (event) => session.queue.push(event),
      report: (reason, progress) => this.status.report('active', reason, null, progress ?? null),
      logger: this.options.logger,
    });
  }

  /** Work that outlives the call that started it: logged when it fails, awaited by stop(). */
  private supervise(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.options.logger.error({ err: error }, 'personal account task failed'));
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }
}
