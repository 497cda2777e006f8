// Entry point of a child process running Parley's work (no HTTP) on a test server's data, its personal accounts
// talking to the fake Telegram of the test process over IPC — for tests that kill it. It tells the parent when
// the ingest of a message whose text is PARLEY_TEST_HOLD began (that ingest never finishes, as if the database
// had stalled: what mtcute dispatches after it waits in the ingest queue), which pts mtcute asked to save, and
// when it is ready (with its process id on the bus: the worker that api processes send commands to).
import { TelegramClient } from '@mtcute/core/client.js';
import { createParley } from '../../src/app/parley.js';
import type { ChannelFactory } from '../../src/channels/factory.js';
import type { Channel } from '../../src/channels/channel.js';
import { telegramUserConnector, type ClientParams } from '../../src/channels/telegram-user/index.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { Keys } from '../../src/security/keys.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { ChannelStateRepository } from '../../src/store/channel-state.js';
import { openDatabase } from '../../src/store/db.js';
import { RemoteTelegram } from '../fakes/mtproto/remote.js';
import { StubTelegramClient } from '../fakes/mtproto/stub-client.js';

export type ChildReport = { kind: 'held'; text: string } | { kind: 'state'; pts: number } | { kind: 'ready'; self: string };

const report = (message: ChildReport) => process.send?.(message);
const hold = process.env.PARLEY_TEST_HOLD;
const remote = new RemoteTelegram();

function clients(params: ClientParams): TelegramClient {
  const kv = params.storage.kv;
  const set = kv.set.bind(kv);
  kv.set = (key, value) => {
    const saved = set(key, value);
    // reported once a query issued after the write has run: had the storage written the state at once (not
    // held back behind the ingest), it would be in the database by then (SQLite runs queries in order)
    if (key === 'updates_pts') {
      const pts = Buffer.from(value).readInt32LE(0);
      setImmediate(() => void database.db.selectFrom('accounts').select('id').limit(1).execute().then(() => report({ kind: 'state', pts })));
    }
    return saved;
  };
  const { storage, updates, network, credentials } = params;
  return new TelegramClient({ client: new StubTelegramClient(remote, { storage, updates, network, apiId: credentials.apiId, apiHash: credentials.apiHash }) });
}

/** The message ingest of `text` starts and never ends. */
function holding(channel: Channel): Channel {
  const start = channel.start.bind(channel);
  channel.start = (sink) =>
    start(async (event) => {
      if (hold !== undefined && event.type === 'message.new' && event.message.text === hold) {
        report({ kind: 'held', text: hold });
        await new Promise<never>(() => {});
      }
      await sink(event);
    });
  return channel;
}

const { config } = loadConfig();
const logger = createLogger(config.logLevel);
const timeoutMs = 3000;
const database = openDatabase(config.database);
const connector = telegramUserConnector({
  telegram: config.telegram,
  database,
  secrets: new SecretBox(new Keys(config.secretKey)),
  state: new ChannelStateRepository(database),
  clients,
  logger,
  loginTimeoutMs: timeoutMs,
  connectTimeoutMs: timeoutMs,
  retryBaseMs: 50,
});
const user: ChannelFactory = { ...connector.channels, create: (account, secret) => holding(connector.channels.create(account, secret)) };
const parley = await createParley(config, logger, { factories: { user }, backoffBaseMs: 50, telegramUser: { clients, timeoutMs } });
report({ kind: 'ready', self: parley.processId });
process.once('SIGTERM', () => void parley.close().then(() => process.exit(0)));
