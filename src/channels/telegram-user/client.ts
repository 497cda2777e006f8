// Building mtcute clients for personal accounts: the same options in production and tests, only the wire
// differs (tests hand in a factory whose clients talk to a fake Telegram).
import { networkMiddlewares, type ITelegramStorageProvider, type NetworkManagerExtraParams, type UpdatesManagerParams } from '@mtcute/core';
import type { TelegramClient } from '@mtcute/core/client.js';
import type { DcOptions } from '@mtcute/core/utils.js';
import { TelegramClient as NodeTelegramClient } from '@mtcute/node';
import type { Config } from '../../config.js';
import type { Account } from '../../domain/account.js';
import type { Logger } from '../../log.js';

import type { ApiCredentials } from '../login.js';

export type { ApiCredentials } from '../login.js';

export interface ClientParams {
  /** The account being connected or logged in (tests route their fakes by it). */
  account: Pick<Account, 'id' | 'phone'>;
  storage: ITelegramStorageProvider;
  credentials: ApiCredentials;
  updates: UpdatesManagerParams;
  network: NetworkManagerExtraParams;
}

export type TelegramClientFactory = (params: ClientParams) => TelegramClient;

/**
 * Waits up to this long on a FLOOD_WAIT inside mtcute; a longer one reaches the caller, so a send job is
 * delayed by the queue instead of holding a worker (and the account shows the wait).
 */
export const FLOOD_SLEEP_MS = 2_000;

/** The options every client of a personal account gets, whatever its wire. */
export function clientParams(
  account: ClientParams['account'],
  storage: ITelegramStorageProvider,
  credentials: ApiCredentials,
  purpose: 'login' | 'channel',
  logger: Logger,
): ClientParams {
  return {
    account,
    storage,
    credentials,
    // a channel catches up from the stored state on start; a login has nobody to hand updates to
    updates: { catchUp: purpose === 'channel' },
    network: {
      middlewares: networkMiddlewares.basic({
        floodWaiter: {
          maxWait: FLOOD_SLEEP_MS,
          onBeforeWait: (ctx, seconds) => logger.info({ method: ctx.request._, seconds }, 'waiting out a short flood wait'),
        },
      }),
    },
  };
}

/** Production: mtcute's Node client over TCP to Telegram (or its test servers, or TELEGRAM_DC_ADDRESS). */
export function telegramClients(telegram: Config['telegram']): TelegramClientFactory {
  return (params) =>
    new NodeTelegramClient({
      apiId: params.credentials.apiId,
      apiHash: params.credentials.apiHash,
      storage: params.storage,
      updates: params.updates,
      network: params.network,
      // mtcute's exit hook would re-raise SIGINT/SIGTERM and end the process before Parley's shutdown;
      // Parley destroys every client itself when it stops
      storageOptions: { cleanup: false },
      testMode: telegram.testServers,
      ...(telegram.dcAddress && { defaultDcs: dcOptions(telegram.dcAddress, telegram.testServers) }),
      logLevel: 2,
    });
}

function dcOptions(address: { host: string; port: number }, testMode: boolean): DcOptions {
  const ipv6 = address.host.includes(':');
  const main = { id: 2, ipAddress: address.host, port: address.port, ipv6, testMode };
  return { main, media: { ...main, mediaOnly: true } };
}
