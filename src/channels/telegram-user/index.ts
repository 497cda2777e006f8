// Personal Telegram accounts through MTProto (mtcute 0.30.3): the channel factory and the login seam.
import type { ChannelFactory } from '../factory.js';
import type { ApiCredentials, LoginProvider } from '../login.js';
import type { Config } from '../../config.js';
import type { AccountId } from '../../domain/ids.js';
import type { Logger } from '../../log.js';
import type { SecretBox } from '../../security/secret-box.js';
import { ChannelStateRepository } from '../../store/channel-state.js';
import type { Database } from '../../store/db.js';
import type { AccountWrites } from '../../store/fencing.js';
import { TelegramUserChannel } from './channel.js';
import { HISTORY_PENDING } from './history.js';
import type { TelegramClientFactory } from './client.js';
import { TelegramLoginSession } from './login.js';
import { deleteSession } from './storage/index.js';

export { TelegramUserChannel } from './channel.js';
export { errorClass } from './errors.js';
export { telegramClients, type ClientParams, type TelegramClientFactory } from './client.js';

export interface TelegramUserDeps {
  telegram: Config['telegram'];
  database: Database;
  secrets: SecretBox;
  state: ChannelStateRepository;
  clients: TelegramClientFactory;
  logger: Logger;
  /** How long a login step waits for Telegram before answering 503 (10 s). */
  loginTimeoutMs: number;
  /** How long a (re)connection waits for Telegram before the account shows `connecting` (20 s). */
  connectTimeoutMs: number;
  /** First delay before reconnecting after a failure. */
  retryBaseMs: number;
  /** Fences the channels' session writes (workers); unfenced when left out. */
  writes?: AccountWrites;
  /** Told of every error Telegram or the connection gave a channel (metrics). */
  onError?: (error: unknown) => void;
}

export interface TelegramUserConnector {
  channels: ChannelFactory;
  logins: LoginProvider;
}

export function telegramUserConnector(deps: TelegramUserDeps): TelegramUserConnector {
  const { telegram, database, secrets, state, logger } = deps;
  const defaultCredentials = telegram.apiId !== undefined && telegram.apiHash !== undefined ? { apiId: telegram.apiId, apiHash: telegram.apiHash } : null;

  const credentialsOf = (secret: string | null): ApiCredentials | null => {
    if (!secret) return defaultCredentials;
    try {
      const own = JSON.parse(secret) as { api_id?: unknown; api_hash?: unknown };
      if (typeof own.api_id === 'number' && typeof own.api_hash === 'string') return { apiId: own.api_id, apiHash: own.api_hash };
    } catch (error) {
      logger.error({ err: error }, 'an account’s API credentials could not be read');
    }
    return null;
  };

  const logins: LoginProvider = {
    defaultCredentials,
    open: (account, credentials) =>
      new TelegramLoginSession(account, credentials, {
        database,
        secrets,
        clients: deps.clients,
        logger: logger.child({ accountId: account.id }),
        timeoutMs: deps.loginTimeoutMs,
      }),
    forget: (accountId: AccountId) => deleteSession(database, accountId),
    secretFor: (credentials) => JSON.stringify({ api_id: credentials.apiId, api_hash: credentials.apiHash }),
    // a login runs where no channel of the account does (it is login_pending), maybe in a worker without its
    // lease: this mark acknowledges nothing to Telegram, so it is written unfenced
    loggedIn: (accountId) => new ChannelStateRepository(database).set(accountId, HISTORY_PENDING, new Date().toISOString()),
  };

  const channels: ChannelFactory = {
    // every send carries the random id stored on its message row: Telegram refuses a repeat
    idempotentSend: true,
    // a deleted account's auth key must not outlive it in the database
    forget: (accountId) => deleteSession(database, accountId),
    create: (account, secret) =>
      new TelegramUserChannel(account, {
        database,
        secrets,
        state,
        clients: deps.clients,
        credentials: credentialsOf(secret),
        logger: logger.child({ accountId: account.id }),
        connectTimeoutMs: deps.connectTimeoutMs,
        retryBaseMs: deps.retryBaseMs,
        ...(deps.writes && { writes: deps.writes }),
        onError: deps.onError,
      }),
  };
  return { channels, logins };
}
