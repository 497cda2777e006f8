// The composition root: builds every part from the config, wires the seams, and closes them in reverse order.
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { simulatorChannels } from '../channels/simulator/index.js';
import { BotWebhookEndpoint, failureClass, telegramBotChannels } from '../channels/telegram-bot/index.js';
import { errorClass, telegramClients, telegramUserConnector, type TelegramClientFactory } from '../channels/telegram-user/index.js';
import { DirectoryBlobStore } from '../blobs/fs-store.js';
import type { BlobStore } from '../blobs/store.js';
import type { Config } from '../config.js';
import type { AccountId } from '../domain/ids.js';
import type { Logger } from '../log.js';
import { drainJobs } from '../jobs/drain.js';
import type { JobQueue } from '../jobs/queue.js';
import { DatabaseLeases } from '../leases/database.js';
import { InProcessLeases } from '../leases/in-process.js';
import type { AccountLeases } from '../leases/lease.js';
import { LeaseOwners, type AccountOwners } from '../leases/owners.js';
import { ParleyMetrics } from '../metrics/metrics.js';
import type { EventBus } from '../realtime/bus.js';
import type { EventLog } from '../realtime/event-log.js';
import { SocketHub } from '../realtime/hub.js';
import { RealtimePublisher } from '../realtime/publisher.js';
import { Keys } from '../security/keys.js';
import { SecretBox } from '../security/secret-box.js';
import { AccountRepository } from '../store/accounts.js';
import { AuditLog } from '../store/audit.js';
import { ChannelStateRepository } from '../store/channel-state.js';
import { ChatRepository } from '../store/chats.js';
import { ContactRepository } from '../store/contacts.js';
import { openDatabase, type Database } from '../store/db.js';
import { AccountWrites } from '../store/fencing.js';
import { MediaRepository } from '../store/media.js';
import { MessageRepository } from '../store/messages.js';
import { migrateToLatest } from '../store/migrate.js';
import { OperatorRepository } from '../store/operators.js';
import { SettingsRepository } from '../store/settings.js';
import { TokenRepository } from '../store/tokens.js';
import { AccountService } from './accounts.js';
import { Assignments } from './assignment.js';
import { AuthService } from './auth.js';
import { ensureInitialAdmin, retireInitialPassword } from './bootstrap.js';
import { resealLegacySecrets } from './reseal.js';
import { ChatService } from './chats.js';
import { ConversationEvents } from './conversation-events.js';
import { OperatorDirectory } from './directory.js';
import { createInfrastructure } from './infrastructure.js';
import { IngestService } from './ingest.js';
import { LoginThrottle, type ThrottleLimits } from './login-throttle.js';
import { LoginService, type Logins } from './logins.js';
import { readinessProbe, type ReadinessProbe } from './readiness.js';
import { MediaService } from './media.js';
import { MessageService } from './messages.js';
import { OperatorService } from './operators.js';
import { ReadReceipts } from './read-receipts.js';
import { recoverInterruptedWork, requeuePendingWork } from './recovery.js';
import { RetentionJob } from './retention.js';
import { createRouting } from './routing.js';
import { ChannelRuntime, type ChannelFactories } from './runtime.js';
import { SendJob } from './send.js';
import { startWork } from './work.js';
import { SettingsService } from './settings.js';
import { WaitingChats } from './waiting-chats.js';

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

export interface ParleyOptions {
  /** Create the first admin when no operator exists (off for CLI commands that manage operators). */
  bootstrapAdmin?: boolean;
  /** Run channels and jobs here (default: PARLEY_ROLE=all or worker). CLI commands run none. */
  runWork?: boolean;
  /** Channel implementations by account type (tests add fakes; the connectors add theirs). */
  factories?: ChannelFactories;
  /** First retry delay of sends and downloads without a retry-after (doubles each time). */
  backoffBaseMs?: number;
  /** Personal accounts: mtcute clients on another wire (tests: a fake Telegram), shorter waits for Telegram. */
  telegramUser?: { clients?: TelegramClientFactory; timeoutMs?: number };
  /** Login throttling limits other than the defaults (tests reach a limit with fewer attempts). */
  loginLimits?: Partial<ThrottleLimits>;
  /** How long a browser session lasts (default 14 days; tests see one end). */
  sessionLifetimeMs?: number;
}

/** How long a personal account's connection waits for Telegram before showing `connecting` and retrying. */
const TELEGRAM_TIMEOUT_MS = 20_000;
/** How long a login step waits for Telegram: an admin is waiting for the answer (503 well within 15 s). */
const LOGIN_TIMEOUT_MS = 10_000;
/** A personal account's login left alone this long is abandoned. */
const LOGIN_IDLE_MS = 15 * 60_000;

/** Unique per process start: names this process in lease rows and on the bus. */
function processId(): string {
  return `${hostname().slice(0, 40)}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

export async function createParley(config: Config, logger: Logger, options: ParleyOptions = {}): Promise<Parley> {
  // sessions, sealed secrets and customers' files live here: Parley's user only
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const database = openDatabase(config.database);
  try {
    const { applied } = await migrateToLatest(database);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
  } catch (error) {
    await database.close();
    throw error;
  }
  const runWork = options.runWork ?? config.role !== 'api';
  const self = processId();
  const distributed = config.role === 'worker';
  const backoffBaseMs = options.backoffBaseMs ?? 1000;
  const { bus, eventLog, jobs, throttle: throttleStore, pingRedis } = await createInfrastructure(config, logger);
  const metrics = new ParleyMetrics({ role: config.role });

  const keys = new Keys(config.secretKey);
  const audit = new AuditLog(database);
  const operatorRepository = new OperatorRepository(database);
  const tokens = new TokenRepository(database);
  const secrets = new SecretBox(keys);
  const accountRepository = new AccountRepository(database, secrets);
  // the embedded process holds every account unfenced; workers hold database leases with fencing tokens
  const leases: AccountLeases | null = !runWork
    ? null
    : distributed
      ? new DatabaseLeases(database, self, logger, undefined, (move) => metrics.leaseMoved(move))
      : new InProcessLeases(self, accountRepository);
  const owners: AccountOwners = leases ?? new LeaseOwners(database, self);
  // writes only the runner of an account may make (update state, sends, statuses): fenced on workers
  const writes = new AccountWrites(database, leases ?? undefined);
  const channelState = new ChannelStateRepository(database, writes);
  await resealLegacySecrets(database, secrets, logger);
  const contacts = new ContactRepository();
  const chatRepository = new ChatRepository(database);
  const mediaRepository = new MediaRepository(database);
  const messageRepository = new MessageRepository(database, mediaRepository);

  const directory = new OperatorDirectory(operatorRepository);
  const settings = new SettingsService(new SettingsRepository(database), () => bus.publish('settings.changed', {}));
  const publisher = new RealtimePublisher({ directory, settings, log: eventLog, bus, logger });
  const hub = new SocketHub({ bus, log: eventLog, logger, inboundDelivered: (at) => metrics.frameDelivered(at) });
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
  const blobs = new DirectoryBlobStore(config.mediaDir);
  const bot = telegramBotChannels({
    apiRoot: config.telegram.botApiRoot,
    publicUrl: config.publicUrl,
    downloadLimitBytes: config.telegram.botDownloadLimitBytes,
    keys,
    state: channelState,
    logger,
    retryBaseMs: backoffBaseMs,
    countSkipped: (accountId) => accountRepository.countSkippedUpdate(accountId),
    mayPoll: (accountId) => leases?.isCurrent(accountId) ?? true,
    onFailure: (failure) => metrics.telegramError({ api: 'bot', ...failureClass(failure) }),
  });
  const botWebhook = new BotWebhookEndpoint({ accounts: accountRepository, ingest, keys, logger });
  const telegramUser = telegramUserConnector({
    telegram: config.telegram,
    database,
    secrets,
    state: channelState,
    writes,
    clients: options.telegramUser?.clients ?? telegramClients(config.telegram),
    logger,
    loginTimeoutMs: options.telegramUser?.timeoutMs ?? LOGIN_TIMEOUT_MS,
    connectTimeoutMs: options.telegramUser?.timeoutMs ?? TELEGRAM_TIMEOUT_MS,
    retryBaseMs: backoffBaseMs,
    onError: (error) => metrics.telegramError({ api: 'mtproto', ...errorClass(error) }),
  });
  const factories: ChannelFactories = { simulator: simulatorChannels(logger), bot, user: telegramUser.channels, ...options.factories };
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
  await bus.subscribe('operators.changed', (change) => {
    directory.invalidate();
    if (change.signedOut) hub.disconnect(change.operatorId, 1008, 'signed out');
  });
  // Bus messages may have been lost while Redis was away: forget what they would have refreshed.
  bus.onReconnect(() => {
    settings.invalidate();
    directory.invalidate();
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
