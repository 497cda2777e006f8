// Parley (HTTP, runtime, every connector) in a process of its own whose personal accounts' mtcute clients reach
// the fake Telegram of the benchmark's process over IPC: mtcute runs whole (sessions, peer cache, updates loop)
// with only the network stubbed. Tells its parent the port once listening.
import { TelegramClient } from '@mtcute/core/client.js';
import { createParley } from '../../src/app/parley.js';
import type { ClientParams } from '../../src/channels/telegram-user/index.js';
import { loadConfig } from '../../src/config.js';
import { buildServer } from '../../src/http/server.js';
import { createLogger } from '../../src/log.js';
import { RemoteTelegram } from '../../test/fakes/mtproto/remote.js';
import { StubTelegramClient } from '../../test/fakes/mtproto/stub-client.js';

const remote = new RemoteTelegram();

function clients({ storage, updates, network, credentials }: ClientParams): TelegramClient {
  return new TelegramClient({ client: new StubTelegramClient(remote, { storage, updates, network, apiId: credentials.apiId, apiHash: credentials.apiHash }) });
}

const { config } = loadConfig();
const logger = createLogger(config.logLevel);
const parley = await createParley(config, logger, { telegramUser: { clients, timeoutMs: 20_000 } });
const app = await buildServer(parley);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
// asked before memory is read: a full collection tells what is held from garbage not yet collected (--expose-gc)
process.on('message', (message: { kind?: string }) => {
  if (message.kind !== 'collect') return;
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  process.send?.({ kind: 'collected', rss, heapUsed });
});
process.once('SIGTERM', () => void app.close().then(() => parley.close()).then(() => process.exit(0)));
