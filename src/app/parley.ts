// The composition root: the shared core (assembly/core.ts: database, seams, repositories, leases, realtime), the
// connectors (assembly/connectors.ts), the use cases the API serves, and, where this process runs work, the worker
// assembly (assembly/worker.ts). It closes them in reverse order.
import type { BotWebhookEndpoint } from '../channels/telegram-bot/index.js';
import type { BlobStore } from '../blobs/store.js';
import type { Config } from '../config.js';
import type { AccountId } from '../domain/ids.js';
import type { Logger } from '../log.js';
import { drainJobs } from '../jobs/drain.js';
import type { JobQueue } from '../jobs/queue.js';
import type { AccountLeases } from '../leases/lease.js';
import type { AccountOwners } from '../leases/owners.js';
import type { ParleyMetrics } from '../metrics/metrics.js';
import type { EventBus } from '../realtime/bus.js';
import type { EventLog } from '../realtime/event-log.js';
import type { SocketHub } from '../realtime/hub.js';
import type { AuditLog } from '../store/audit.js';
import type { Database } from '../store/db.js';
import type { OperatorRepository } from '../store/operators.js';
import { AccountService } from './accounts.js';
import { createConnectors } from './assembly/connectors.js';
import { openCore, type ParleyOptions } from './assembly/core.js';
import { startWork } from './assembly/worker.js';
import { Assignments } from './assignment.js';
import { AuthService } from './auth.js';
import { ensureInitialAdmin, retireInitialPassword } from './bootstrap.js';
import { ChatService } from './chats.js';
import { ConversationEvents } from './conversation-events.js';
import { IngestService } from './ingest.js';
import { LoginThrottle } from './login-throttle.js';
import { LoginService, type Logins } from './logins.js';
import { readinessProbe, type ReadinessProbe } from './readiness.js';
import { MediaService } from './media.js';
import { MessageService } from './messages.js';
import { OperatorService } from './operators.js';
import { ReadReceipts } from './read-receipts.js';
import { recoverInterruptedWork, requeuePendingWork } from './recovery.js';
import { RetentionJob } from './retention.js';
import { createRouting } from './routing.js';
import { ChannelRuntime } from './runtime.js';
import { SendJob } from './send.js';
import type { SettingsService } from './settings.js';
import { WaitingChats } from './waiting-chats.js';

export type { ParleyOptions };

export interface Parley {
  /** This process's id on the bus (commands to it are addressed by it). */
  processId: string;
  config: Config;
  logger: Logger;
  database: Database;
  audit: AuditLog;
  auth: AuthService;
  operators: OperatorService;
  operatorRepository: OperatorRepository;
  settings: SettingsService;
  accounts: AccountService;
  chats: ChatService;
  messages: MessageService;
  media: MediaService;
  /** Media files by content address (downloads and operators' uploads), shared by every process: MEDIA_DIR. */
  blobs: BlobStore;
  retention: RetentionJob;
  /** The channels of this process; null when it runs none (PARLEY_ROLE=api, or CLI commands). */
  runtime: ChannelRuntime | null;
  /** Which process runs which account (this one for all of them in the embedded process). */
  owners: AccountOwners;
  /** The leases this process holds; null when it runs no channels. */
  leases: AccountLeases | null;
  /** Receives Telegram's webhook requests for bots (any process role). */
  botWebhook: BotWebhookEndpoint;
  /** Personal accounts' logins: held in this process, or routed to the worker holding each (api processes). */
  logins: Logins;
  hub: SocketHub;
  eventLog: EventLog;
  bus: EventBus;
  jobs: JobQueue;
  metrics: ParleyMetrics;
  /** Whether this process should get traffic (`/api/ready`). */
  readiness: ReadinessProbe;
  /**
   * Stops everything, after the HTTP server has stopped taking requests and finished those in flight:
   * timers and logins; jobs (none taken any more, running ones finish, bounded); channels (each stores the
   * update in hand before acknowledging it); then leases are released, once no channel runs here; last the
   * sockets (1001), bus, event log, Redis and database connections.
   */
  close(): Promise<void>;
}

/** A personal account's login left alone this long is abandoned. */
const LOGIN_IDLE_MS = 15 * 60_000;

export async function createParley(config: Config, logger: Logger, options: ParleyOptions = {}): Promise<Parley> {
  const core = await openCore(config, logger, options);
  const {
    database, distributed, backoffBaseMs, bus, eventLog, jobs, throttleStore, pingRedis, metrics, keys, audit,
    operatorRepository, tokens, accountRepository, leases, owners, writes, contacts, chatRepository,
    mediaRepository, messageRepository, directory, settings, publisher, hub,
  } = core;
  const throttle = new LoginThrottle(throttleStore, options.loginLimits);
  const auth = new AuthService({
    operators: operatorRepository,
    tokens,
    audit,
    throttle,
    keys,
    announceRevoked: (tokenId) => bus.publish('tokens.revoked', { tokenId }),
    ...(options.sessionLifetimeMs !== undefined && { sessionLifetimeMs: options.sessionLifetimeMs }),
  });
  const operators = new OperatorService({
    database,
    operators: operatorRepository,
    tokens,
    audit,
    throttle,
    activeCounts: (ids) => chatRepository.activeCounts(database.db, ids),
    announce: (change) => bus.publish('operators.changed', change),
    roomChanged: () => waitingChats.assign(),
    passwordChanged: retireInitialPassword(config, logger),
  });
  const assignments = new Assignments({ chats: chatRepository, operators: operatorRepository });
  const waitingChats = new WaitingChats({ database, chats: chatRepository, assignments, settings, events: publisher, logger });
  const conversation = new ConversationEvents({ database, messages: messageRepository, chats: chatRepository, events: publisher });
  const ingest = new IngestService({
    database,
    accounts: accountRepository,
    contacts,
    chats: chatRepository,
    messages: messageRepository,
    media: mediaRepository,
    assignments,
    settings,
    events: publisher,
    conversation,
    jobs,
    logger,
    writes,
    metrics,
  });
  const { blobs, botWebhook, telegramUser, factories } = createConnectors(config, logger, core, ingest, options);
  const recovery = { database, accounts: accountRepository, chats: chatRepository, messages: messageRepository, media: mediaRepository, jobs, factories, logger, writes };
  const runtime = leases
    ? new ChannelRuntime({
        accounts: accountRepository,
        ingest,
        events: publisher,
        factories,
        logger,
        leases,
        writes,
        onStarted: async (accountId) => void (await requeuePendingWork(recovery, accountId)),
        // the embedded process recovers everything at start; a worker each account it takes over
        ...(distributed && { onAcquired: (accountId: AccountId) => recoverInterruptedWork(recovery, accountId) }),
      })
    : null;
  const chats = new ChatService({
    database,
    chats: chatRepository,
    assignments,
    settings,
    events: publisher,
    waiting: waitingChats,
    announceRead: (chatId) => routing.chatRead(chatId),
  });
  const messages = new MessageService({
    database,
    chats: chatRepository,
    messages: messageRepository,
    chatService: chats,
    events: publisher,
    conversation,
    jobs,
    media: mediaRepository,
    blobs,
    logger,
  });
  const accounts = new AccountService({
    database,
    accounts: accountRepository,
    chats: chatRepository,
    ingest,
    events: publisher,
    audit,
    runtime: { reconcile: (accountId) => routing.reconciler.reconcile(accountId) },
    announce: (accountId) => bus.publish('accounts.changed', { accountId }),
    factories,
  });
  const channels = runtime ?? { channel: () => undefined, holds: () => false };
  const localLogins = new LoginService({
    accounts: accountRepository,
    events: publisher,
    audit,
    runtime,
    announce: (accountId) => bus.publish('accounts.changed', { accountId }),
    provider: telegramUser.logins,
    logger,
    idleMs: LOGIN_IDLE_MS,
  });
  const readReceipts = new ReadReceipts({ database, accounts: accountRepository, chats: chatRepository, channels, logger });
  const routing = await createRouting({ config, bus, logger, database, accounts: accountRepository, chats: chatRepository, operators: operatorRepository, runtime, logins: localLogins, readReceipts, owners, loginIdleMs: LOGIN_IDLE_MS });
  const logins = routing.logins;
  const media = new MediaService({
    database,
    media: mediaRepository,
    messages: messageRepository,
    chats: chatRepository,
    chatService: chats,
    channels,
    blobs,
    conversation,
    logger,
    backoffBaseMs,
  });
  const retention = new RetentionJob({
    database,
    messages: messageRepository,
    media: mediaRepository,
    chats: chatRepository,
    settings,
    audit,
    blobs,
    logger,
  });
  const send = new SendJob({
    database,
    accounts: accountRepository,
    chats: chatRepository,
    messages: messageRepository,
    channels,
    conversation,
    media: mediaRepository,
    blobs,
    logger,
    backoffBaseMs,
    writes,
    metrics,
  });
  metrics.watch({ openSockets: () => hub.size, accountsByStatus: () => accountRepository.countByStatus(), queues: () => jobs.depths() });
  const readiness = readinessProbe({ database, pingRedis, runtime, logger });

  await bus.subscribe('settings.changed', () => settings.invalidate());
  await bus.subscribe('accounts.changed', ({ accountId }) => botWebhook.forget(accountId as AccountId));
  await bus.subscribe('operators.changed', (change) => {
    directory.invalidate();
    if (change.signedOut) hub.disconnect(change.operatorId, 1008, 'signed out');
  });
  // Bus messages may have been lost while Redis was away: forget what they would have refreshed.
  bus.onReconnect(() => {
    settings.invalidate();
    directory.invalidate();
    botWebhook.forgetAll();
  });
  await bus.subscribe('tokens.revoked', ({ tokenId }) => hub.disconnectToken(tokenId, 'signed out'));
  await hub.start();
  if (options.bootstrapAdmin ?? true) await ensureInitialAdmin(config, operatorRepository, operators, logger);

  const work =
    runtime && leases
      ? await startWork({
          config,
          logger,
          bus,
          jobs,
          runtime,
          leases,
          distributed,
          accounts: accountRepository,
          recovery,
          send,
          media,
          retention,
          waitingChats,
          backoffBaseMs,
        })
      : null;

  return {
    processId: routing.self,
    config,
    logger,
    database,
    audit,
    auth,
    operators,
    operatorRepository,
    settings,
    accounts,
    chats,
    messages,
    media,
    blobs,
    retention,
    runtime,
    owners,
    leases,
    botWebhook,
    logins,
    hub,
    eventLog,
    bus,
    jobs,
    metrics,
    readiness,
    async close() {
      readiness.drain();
      await logins.close();
      await routing.close();
      await drainJobs(jobs, logger);
      // channels stop, then the leases are given back (no channel of this process runs any more)
      await work?.close();
      await hub.close();
      publisher.close();
      await bus.close();
      await eventLog.close();
      await throttleStore.close();
      await database.close();
    },
  };
}
