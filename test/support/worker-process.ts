// Entry point of a Parley worker (PARLEY_ROLE=worker) in a child process, for the failover tests: bots talk to
// the fake Bot API at TELEGRAM_BOT_API_ROOT, personal accounts to the fake Telegram of the test process over
// IPC (mtcute stubs, fakes/mtproto/remote.ts). SIGTERM shuts it down gracefully (its leases are given back).
import { TelegramClient } from '@mtcute/core/client.js';
import { createParley } from '../../src/app/parley.js';
import type { ClientParams } from '../../src/channels/telegram-user/index.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { RemoteTelegram } from '../fakes/mtproto/remote.js';
import { StubTelegramClient } from '../fakes/mtproto/stub-client.js';

const remote = new RemoteTelegram();

function clients({ storage, updates, network, credentials }: ClientParams): TelegramClient {
  return new TelegramClient({ client: new StubTelegramClient(remote, { storage, updates, network, apiId: credentials.apiId, apiHash: credentials.apiHash }) });
}

const { config } = loadConfig();
const logger = createLogger(config.logLevel);
const parley = await createParley(config, logger, { backoffBaseMs: 50, telegramUser: { clients, timeoutMs: 3000 } });
logger.info({ worker: parley.owners.self }, 'worker ready');
process.once('SIGTERM', () => {
  void parley.close().then(() => process.exit(0));
});
