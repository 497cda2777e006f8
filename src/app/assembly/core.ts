// The shared core of every process role: the database (migrated), the infrastructure seams chosen by config
// (bus, event log, jobs, throttle), the repositories, this process's leases and fenced writes, and the realtime
// side (settings, the operator directory, the publisher, this process's socket hub).
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ChannelFactories } from '../../channels/factory.js';
import type { TelegramClientFactory } from '../../channels/telegram-user/index.js';
import type { Config } from '../../config.js';
import type { Logger } from '../../log.js';
import { DatabaseLeases } from '../../leases/database.js';
import { InProcessLeases } from '../../leases/in-process.js';
import type { AccountLeases } from '../../leases/lease.js';
import { LeaseOwners, type AccountOwners } from '../../leases/owners.js';
import { ParleyMetrics } from '../../metrics/metrics.js';
import { SocketHub } from '../../realtime/hub.js';
import { Keys } from '../../security/keys.js';
import { SecretBox } from '../../security/secret-box.js';
import { AccountRepository } from '../../store/accounts.js';
import { AuditLog } from '../../store/audit.js';
import { ChannelStateRepository } from '../../store/channel-state.js';
import { ChatRepository } from '../../store/chats.js';
import { ContactRepository } from '../../store/contacts.js';
import { openDatabase } from '../../store/db.js';
import { AccountWrites } from '../../store/fencing.js';
import { MediaRepository } from '../../store/media.js';
import { MessageRepository } from '../../store/messages.js';
import { migrateToLatest } from '../../store/migrate.js';
import { OperatorRepository } from '../../store/operators.js';
import { SettingsRepository } from '../../store/settings.js';
import { TokenRepository } from '../../store/tokens.js';
import { OperatorDirectory } from '../directory.js';
import { createInfrastructure } from '../infrastructure.js';
import type { ThrottleLimits } from '../login-throttle.js';
import { RealtimePublisher } from '../publisher.js';
import { resealLegacySecrets } from '../reseal.js';
import { SettingsService } from '../settings.js';

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

/** Unique per process start: names this process in lease rows and on the bus. */
function processId(): string {
  return `${hostname().slice(0, 40)}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

export type Core = Awaited<ReturnType<typeof openCore>>;

export async function openCore(config: Config, logger: Logger, options: ParleyOptions) {
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

  return {
    database, runWork, self, distributed, backoffBaseMs, bus, eventLog, jobs, throttleStore, pingRedis,
    metrics, keys, audit, operatorRepository, tokens, secrets, accountRepository, leases, owners, writes,
    channelState, contacts, chatRepository, mediaRepository, messageRepository, directory, settings,
    publisher, hub,
  };
}
