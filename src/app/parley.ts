// The composition root: builds every part from the config, wires the seams, and closes them in reverse order.
import { mkdirSync } from 'node:fs';
import { simulatorChannels } from '../channels/simulator/index.js';
import { BotWebhookEndpoint, telegramBotChannels } from '../channels/telegram-bot/index.js';
import { telegramClients, telegramUserConnector, type TelegramClientFactory } from '../channels/telegram-user/index.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { JobQueue } from '../jobs/queue.js';
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
import { syncDemoAccount } from './demo.js';
import { OperatorDirectory } from './directory.js';
import { createInfrastructure } from './infrastructure.js';
import { IngestService } from './ingest.js';
import { LoginThrottle, type ThrottleLimits } from './login-throttle.js';
import { LoginService } from './logins.js';
import { MediaFiles, MediaService } from './media.js';
import { MessageService } from './messages.js';
import { OperatorService } from './operators.js';
import { ReadReceipts } from './read-receipts.js';
import { recoverInterruptedWork, requeuePendingWork } from './recovery.js';
import { RetentionJob } from './retention.js';
import { ChannelRuntime, type ChannelFactories } from './runtime.js';
import { SendJob } from './send.js';
import { SettingsService } from './settings.js';
import { WaitingChats } from './waiting-chats.js';

export interface Parley {
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
  /** DATA_DIR/media, content-addressed (downloads and operators' uploads). */
  files: MediaFiles;
  retention: RetentionJob;
  /** The channels of this process; null when it runs none (PARLEY_ROLE=api, or CLI commands). */
  runtime: ChannelRuntime | null;
  /** Receives Telegram's webhook requests for bots (any process role). */
  botWebhook: BotWebhookEndpoint;
  /** Personal accounts' logins in progress in this process. */
  logins: LoginService;
  hub: SocketHub;
  eventLog: EventLog;
  bus: EventBus;
  jobs: JobQueue;
  /** Whether the database answers (for /api/health). */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

export interface ParleyOptions {
  /** Create the first admin when no operator exists (off for CLI commands that manage operators). */
  bootstrapAdmin?: boolean;
  /** Run channels and jobs here (default: when PARLEY_ROLE=all). CLI commands run none. */
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

const RECONCILE_INTERVAL_MS = 5_000;
const RETENTION_INTERVAL_MS = 24 * 3600_000;
/** How long a personal account's connection waits for Telegram before showing `connecting` and retrying. */
const TELEGRAM_TIMEOUT_MS = 20_000;
/** How long a login step waits for Telegram: an admin is waiting for the answer (503 well within 15 s). */
const LOGIN_TIMEOUT_MS = 10_000;
/** A personal account's login left alone this long is abandoned. */
const LOGIN_IDLE_MS = 15 * 60_000;
const SWEEP_INTERVAL_MS = 60_000;

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
  const runWork = options.runWork ?? config.role === 'all';
  let sweeper: NodeJS.Timeout | undefined;
  const backoffBaseMs = options.backoffBaseMs ?? 1000;
  const mediaDir = `${config.dataDir}/media`;
  const { bus, eventLog, jobs, throttle: throttleStore } = await createInfrastructure(config, logger);

  const keys = new Keys(config.secretKey);
  const audit = new AuditLog(database);
  const operatorRepository = new OperatorRepository(database);
  const tokens = new TokenRepository(database);
  const secrets = new SecretBox(keys);
  const accountRepository = new AccountRepository(database, secrets);
  await resealLegacySecrets(database, secrets, logger);
  const contacts = new ContactRepository();
  const chatRepository = new ChatRepository(database);
  const mediaRepository = new MediaRepository(database);
  const messageRepository = new MessageRepository(database, mediaRepository);

  const directory = new OperatorDirectory(operatorRepository);
  const settings = new SettingsService(new SettingsRepository(database), () => bus.publish('settings.changed', {}));
  const publisher = new RealtimePublisher({ directory, settings, log: eventLog, bus, logger });
  const hub = new SocketHub({ bus, log: eventLog, logger });
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
  });
  const files = new MediaFiles(mediaDir);
  const bot = telegramBotChannels({
    apiRoot: config.telegram.botApiRoot,
    publicUrl: config.publicUrl,
    downloadLimitBytes: config.telegram.botDownloadLimitBytes,
    keys,
    state: new ChannelStateRepository(database),
    logger,
    retryBaseMs: backoffBaseMs,
    countSkipped: (accountId) => accountRepository.countSkippedUpdate(accountId),
  });
  const botWebhook = new BotWebhookEndpoint({ accounts: accountRepository, ingest, keys, logger });
  const telegramUser = telegramUserConnector({
    telegram: config.telegram,
    database,
    secrets,
    state: new ChannelStateRepository(database),
    clients: options.telegramUser?.clients ?? telegramClients(config.telegram),
    logger,
    loginTimeoutMs: options.telegramUser?.timeoutMs ?? LOGIN_TIMEOUT_MS,
    connectTimeoutMs: options.telegramUser?.timeoutMs ?? TELEGRAM_TIMEOUT_MS,
    retryBaseMs: backoffBaseMs,
  });
  const factories: ChannelFactories = { simulator: simulatorChannels(logger), bot, user: telegramUser.channels, ...options.factories };
  const runtime = runWork
    ? new ChannelRuntime({
        accounts: accountRepository,
        ingest,
        events: publisher,
        factories,
        logger,
        onStarted: async (accountId) => void (await requeuePendingWork({ messages: messageRepository, media: mediaRepository, jobs }, accountId)),
      })
    : null;
  const chats = new ChatService({
    database,
    chats: chatRepository,
    assignments,
    settings,
    events: publisher,
    waiting: waitingChats,
    announceRead: (chatId) => bus.publish('chats.read', { chatId }),
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
    files,
    logger,
  });
  const accounts = new AccountService({
    database,
    accounts: accountRepository,
    chats: chatRepository,
    ingest,
    events: publisher,
    audit,
    runtime,
    announce: (accountId) => bus.publish('accounts.changed', { accountId }),
    factories,
  });
  const channels = runtime ?? { channel: () => undefined };
  const logins = new LoginService({
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
  const media = new MediaService({
    database,
    media: mediaRepository,
    messages: messageRepository,
    chats: chatRepository,
    chatService: chats,
    channels,
    files,
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
    mediaDir,
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
    files,
    logger,
    backoffBaseMs,
  });

  await bus.subscribe('settings.changed', () => settings.invalidate());
  await bus.subscribe('operators.changed', (payload) => {
    directory.invalidate();
    const change = payload as { operatorId: number; signedOut: boolean };
    if (change.signedOut) hub.disconnect(change.operatorId, 1008, 'signed out');
  });
  // Bus messages may have been lost while Redis was away: forget what they would have refreshed.
  bus.onReconnect(() => {
    settings.invalidate();
    directory.invalidate();
  });
  await bus.subscribe('tokens.revoked', (payload) => hub.disconnectToken((payload as { tokenId: number }).tokenId, 'signed out'));
  await hub.start();
  if (options.bootstrapAdmin ?? true) await ensureInitialAdmin(config, operatorRepository, operators, logger);

  if (runtime) {
    jobs.handle('message.send', (payload, context) => send.run(payload, context), { concurrency: 8, maxAttempts: 50, backoffMs: backoffBaseMs });
    jobs.handle('media.download', (payload, context) => media.download(payload, context), { concurrency: 2, maxAttempts: 20, backoffMs: backoffBaseMs });
    jobs.handle('messages.cleanup', async () => void (await retention.run()), { concurrency: 1, maxAttempts: 3, backoffMs: 60_000 });
    await bus.subscribe('accounts.changed', (payload) => void runtime.reconcile((payload as { accountId: number }).accountId as never));
    await bus.subscribe('settings.changed', () => void waitingChats.assign());
    await bus.subscribe('chats.read', (payload) => void readReceipts.chatRead((payload as { chatId: number }).chatId as never));
    const demoChanged = await syncDemoAccount(accountRepository, config.demo, logger);
    if (demoChanged !== null) await bus.publish('accounts.changed', { accountId: demoChanged });
    await recoverInterruptedWork({
      database,
      accounts: accountRepository,
      chats: chatRepository,
      messages: messageRepository,
      media: mediaRepository,
      jobs,
      factories,
      logger,
    });
    await jobs.start();
    await jobs.every('messages.cleanup', {}, RETENTION_INTERVAL_MS);
    await runtime.startLoop(RECONCILE_INTERVAL_MS);
    const sweep = () =>
      requeuePendingWork({ messages: messageRepository, media: mediaRepository, jobs }).catch((error: unknown) =>
        logger.error({ err: error }, 'sweeping pending work failed'),
      );
    // Redis back: what was stored as pending meanwhile (or lost with a Redis that restarted empty) is enqueued now.
    jobs.onReconnect(() => void sweep());
    sweeper = setInterval(() => {
      void sweep();
      void waitingChats.assign();
    }, SWEEP_INTERVAL_MS);
    sweeper.unref();
  }

  return {
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
    files,
    retention,
    runtime,
    botWebhook,
    logins,
    hub,
    eventLog,
    bus,
    jobs,
    async healthy() {
      try {
        await database.db.selectFrom('operators').select('id').limit(1).execute();
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      clearInterval(sweeper);
      await logins.close();
      await runtime?.close();
      await jobs.close();
      await hub.close();
      await bus.close();
      await eventLog.close();
      await throttleStore.close();
      await database.close();
    },
  };
}
