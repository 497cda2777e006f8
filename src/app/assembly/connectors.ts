// The connectors of this process: each account type's ChannelFactory (the simulator, bots, personal accounts),
// the bots' webhook endpoint (any role) and the personal accounts' login provider, wired to the core.
import { DirectoryBlobStore } from '../../blobs/fs-store.js';
import type { ChannelFactories } from '../../channels/factory.js';
import { simulatorChannels } from '../../channels/simulator/index.js';
import { BotWebhookEndpoint, failureClass, telegramBotChannels } from '../../channels/telegram-bot/index.js';
import { errorClass, telegramClients, telegramUserConnector } from '../../channels/telegram-user/index.js';
import type { Config } from '../../config.js';
import type { Logger } from '../../log.js';
import type { IngestService } from '../ingest.js';
import type { Core, ParleyOptions } from './core.js';

/** How long a personal account's connection waits for Telegram before showing `connecting` and retrying. */
const TELEGRAM_TIMEOUT_MS = 20_000;
/** How long a login step waits for Telegram: an admin is waiting for the answer (503 well within 15 s). */
const LOGIN_TIMEOUT_MS = 10_000;

export function createConnectors(config: Config, logger: Logger, core: Core, ingest: IngestService, options: ParleyOptions) {
  const { keys, channelState, backoffBaseMs, accountRepository, leases, metrics, database, secrets, writes } = core;
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
  const botWebhook = new BotWebhookEndpoint({
    accounts: accountRepository,
    sinkFor: (account) => ingest.sinkFor({ accountId: account.id, accountType: account.type, network: 'telegram', settings: account.settings }),
    keys,
    logger,
  });
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
  return { blobs, botWebhook, telegramUser, factories };
}
