// A personal Telegram account as a Parley channel: one mtcute client on the account's stored session, its
// updates ingested in order (the update state saved only behind them), catch-up on every (re)connection,
// sends with stored random ids, and Telegram's errors turned into account statuses.
import type { ParsedUpdate } from '@mtcute/core';
import type { TelegramClient } from '@mtcute/core/client.js';
import type { Account, AccountStatus } from '../../domain/account.js';
import { ChannelUnavailable } from '../../domain/errors.js';
import type { ExternalId } from '../../domain/ids.js';
import type { Logger } from '../../log.js';
import type { SecretBox } from '../../security/secret-box.js';
import type { ChannelStateRepository } from '../../store/channel-state.js';
import type { Database } from '../../store/db.js';
import { SendRejected, type Channel, type Download, type InboundEvent, type InboundSink, type OutboundMessage, type SendResult } from '../channel.js';
import { clientParams, type ApiCredentials, type TelegramClientFactory } from './client.js';
import { blocksChat, errorText, floodWaitSeconds, isRpcError, reauthReason, withTimeout } from './errors.js';
import { historyLimits, importHistory } from './history.js';
import { IngestQueue } from './ingest-queue.js';
import { forwardMtcuteLogs } from './logs.js';
import { downloadAs, sendAs } from './outbound.js';
import { SessionStorage } from './storage/index.js';
import { deletedEvent, editedEvent, newMessageEvent, readEvent, renamedEvent } from './updates.js';

/** channel_state key: set when a login completed, cleared once the history import finished. */
export const HISTORY_PENDING = 'history_import_pending';
const MAX_RECONNECT_DELAY_MS = 5 * 60_000;
const MAX_UNCERTAIN = 100;

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
  private floodTimer: NodeJS.Timeout | undefined;
  private reported: { status: AccountStatus; reason: string | null } | undefined;
  private readonly background = new Set<Promise<unknown>>();
  /** Sends whose outcome is unknown (the answer was lost): their echo is recognised by content, not stored twice. */
  private readonly uncertain = new Map<string, OutboundMessage>();

  constructor(
    private readonly account: Account,
    private readonly options: UserChannelOptions,
  ) {
    this.accountId = account.id;
  }

  async start(sink: InboundSink): Promise<void> {
    this.sink = sink;
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.floodTimer);
    const session = this.session;
    this.session = undefined;
    if (session) await this.close(session);
    await Promise.allSettled([...this.background]);
    this.sink = undefined;
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const session = this.live();
    try {
      const result = await sendAs(session.tg, message);
      if (this.reported?.status === 'flood_wait') this.supervise(this.report('active', null));
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
    if (!session?.live) throw new ChannelUnavailable(`the Telegram account is not connected (${this.reported?.status ?? 'starting'})`);
    return session;
  }

  /** Connects on the stored session, catches up, and goes live; on failure reports why and tries again later. */
  private async connect(): Promise<void> {
    this.reconnectTimer = undefined;
    if (this.stopped) return;
    const credentials = this.options.credentials;
    if (!credentials) {
      await this.report('error', 'TELEGRAM_API_ID and TELEGRAM_API_HASH are not configured (nor set for this account)');
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
      await this.report('active', null);
      this.supervise(this.importHistoryIfPending(session));
    } catch (error) {
      if (this.session === session) this.session = undefined;
      await this.close(session);
      if (this.stopped) return;
      await this.connectFailed(error, session.lastError);
    }
  }

  private async connectFailed(error: unknown, lastError: string | null): Promise<void> {
    const reauth = reauthReason(error);
    if (reauth) {
      await this.report('needs_reauth', reauthMessage(reauth));
      return; // the runtime stops this channel; an admin logs the account in again
    }
    const flood = floodWaitSeconds(error);
    if (flood !== null) {
      await this.report('flood_wait', `Telegram asked to wait ${flood} s (FLOOD_WAIT_${flood})`, new Date(Date.now() + flood * 1000));
      this.reconnectIn(flood * 1000);
      return;
    }
    const detail = lastError && !isRpcError(error) ? `${errorText(error)}; last error: ${lastError}` : errorText(error);
    this.options.logger.warn({ err: error, accountId: this.accountId }, 'personal account could not connect; retrying');
    await this.report('connecting', `cannot reach Telegram: ${detail}`);
    this.reconnectIn(this.backoff());
  }

  private backoff(): number {
    this.failures += 1;
    return Math.min(this.options.retryBaseMs * 2 ** (this.failures - 1), MAX_RECONNECT_DELAY_MS);
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
    const storage = new SessionStorage({ database, accountId: this.accountId, secrets, gate: queue, logger });
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
      if (state === 'connected' && this.reported?.status === 'connecting') this.supervise(this.report('active', null));
      if (state === 'connecting' || state === 'offline') {
        const reason = `connection to Telegram lost${session.lastError ? ` (${session.lastError})` : ''}; reconnecting`;
        this.supervise(this.report('connecting', reason));
      }
    });
    return session;
  }

  private dispatch(session: Session, map: () => InboundEvent | null): void {
    let event: InboundEvent | null;
    try {
      event = map();
    } catch (error) {
      this.options.logger.error({ err: error, accountId: this.accountId }, 'an update could not be read; skipped');
      return;
    }
    if (event) session.queue.pushUpdate(this.recognised(event));
  }

  /** Our own message coming back through catch-up after its send's answer was lost: tagged with its random id. */
  private recognised(event: InboundEvent): InboundEvent {
    if (event.type !== 'message.new' || event.message.direction !== 'out' || this.uncertain.size === 0) return event;
    const inbound = event.message;
    for (const [randomId, sent] of this.uncertain) {
      const sameChat = sent.chatExternalId === inbound.chat.externalId;
      if (sameChat && (sent.text ?? null) === inbound.text && (sent.attachment !== null) === inbound.media.length > 0) {
        this.uncertain.delete(randomId);
        return { type: 'message.new', message: { ...inbound, randomId } };
      }
    }
    return event;
  }

  private async deliver(event: InboundEvent): Promise<void> {
    const sink = this.sink;
    if (!sink) throw new Error('the channel is stopped');
    await sink(event);
  }

  private clientError(session: Session, error: Error): void {
    session.lastError = errorText(error);
    const reauth = reauthReason(error);
    if (reauth && this.session === session) {
      this.supervise(this.report('needs_reauth', reauthMessage(reauth)));
      return;
    }
    this.options.logger.debug({ err: error, accountId: this.accountId }, 'mtcute reported an error');
  }

  /** An update could not be stored: reconnect, so catch-up fetches it (and what followed) again. */
  private ingestFailed(session: Session, error: unknown): void {
    this.options.logger.error({ err: error, accountId: this.accountId }, 'an update could not be stored; reconnecting to fetch it again');
    this.supervise(
      (async () => {
        if (this.session !== session || this.stopped) return;
        this.session = undefined;
        await this.close(session);
        const delay = this.backoff();
        await this.report('connecting', `an update could not be stored (${errorText(error)}); fetching it again in ${Math.ceil(delay / 1000)} s`);
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
      this.options.logger.warn({ err: error, accountId: this.accountId }, 'mtcute client did not close cleanly');
    }
  }

  /** A failed send as the send job understands it; a dead session or a flood wait also changes the account. */
  private sendFailure(error: unknown, message: OutboundMessage): Error {
    if (error instanceof ChannelUnavailable || error instanceof SendRejected) return error;
    const flood = floodWaitSeconds(error);
    if (flood !== null) {
      this.floodWait(flood);
      return new ChannelUnavailable(`Telegram asked to wait ${flood} s before sending more`, flood);
    }
    const reauth = reauthReason(error);
    if (reauth) {
      this.supervise(this.report('needs_reauth', reauthMessage(reauth)));
      return new ChannelUnavailable(`the Telegram session ended (${reauth}); log the account in again`);
    }
    if (isRpcError(error) && (error.code === 400 || error.code === 403)) {
      return new SendRejected(error.text, `Telegram refused the message: ${error.text}`, blocksChat(error));
    }
    // a timeout, a dropped connection, Telegram's internal error: it may have arrived; retried with the same random id
    this.uncertain.set(message.randomId, message);
    if (this.uncertain.size > MAX_UNCERTAIN) this.uncertain.delete(this.uncertain.keys().next().value as string);
    return new ChannelUnavailable(`sending failed: ${errorText(error)}`);
  }

  private floodWait(seconds: number): void {
    const until = new Date(Date.now() + seconds * 1000);
    this.supervise(this.report('flood_wait', `Telegram asked to wait ${seconds} s (FLOOD_WAIT_${seconds})`, until));
    clearTimeout(this.floodTimer);
    this.floodTimer = setTimeout(() => {
      if (this.reported?.status === 'flood_wait' && this.session?.live) this.supervise(this.report('active', null));
    }, seconds * 1000);
    this.floodTimer.unref();
  }

  private async importHistoryIfPending(session: Session): Promise<void> {
    const { state, logger } = this.options;
    if ((await state.get(this.accountId, HISTORY_PENDING)) === null) return;
    const limits = historyLimits(this.account.settings);
    try {
      const done = await importHistory(session.tg, {
        limits,
        signal: session.history.signal,
        store: (event) => session.queue.push(event),
        progress: (p) => this.report('active', p.chats < p.totalChats ? `importing history: ${p.chats} of ${p.totalChats} chats` : null),
      });
      await state.delete(this.accountId, HISTORY_PENDING);
      logger.info({ accountId: this.accountId, ...done }, 'history imported');
      await this.report('active', `history imported: ${done.chats} chats, ${done.messages} messages`);
    } catch (error) {
      if (session.history.signal.aborted) return; // resumes on the next connection
      logger.warn({ err: error, accountId: this.accountId }, 'history import failed; it runs again on the next connection');
      await this.report('active', `history import failed: ${errorText(error)}; it runs again on the next connection`);
    }
  }

  /** Tells Parley the account's status; repeats are not sent. */
  private async report(status: AccountStatus, reason: string | null, until: Date | null = null): Promise<void> {
    if (this.reported?.status === status && this.reported.reason === reason && until === null) return;
    this.reported = { status, reason };
    try {
      await this.sink?.({ type: 'account.status', status, reason, until });
    } catch (error) {
      this.options.logger.warn({ err: error, accountId: this.accountId }, 'account status not stored');
    }
  }

  /** Work that outlives the call that started it: logged when it fails, awaited by stop(). */
  private supervise(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.options.logger.error({ err: error, accountId: this.accountId }, 'personal account task failed'));
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }
}

function eventOf(update: ParsedUpdate): InboundEvent | null {
  switch (update.name) {
    case 'new_message':
      return newMessageEvent(update.data);
    case 'edit_message':
      return editedEvent(update.data);
    case 'delete_message':
      return deletedEvent(update.data);
    case 'history_read':
      return readEvent(update.data);
    default:
      return null;
  }
}

function reauthMessage(reason: string): string {
  switch (reason) {
    case 'USER_DEACTIVATED':
    case 'USER_DEACTIVATED_BAN':
      return `Telegram deactivated this account (${reason})`;
    case 'SESSION_REVOKED':
      return `the session was terminated from another device (${reason}); log in again`;
    default:
      return `Telegram no longer accepts this session (${reason}); log in again`;
  }
}
