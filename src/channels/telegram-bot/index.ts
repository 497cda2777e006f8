// Telegram bots through the Bot API (grammY's Api only: the update loop and acknowledgements are ours).
import type { ChannelFactory } from '../factory.js';
import type { AccountId } from '../../domain/ids.js';
import type { Logger } from '../../log.js';
import type { Keys } from '../../security/keys.js';
import type { ChannelStateRepository } from '../../store/channel-state.js';
import { TelegramBotChannel } from './channel.js';
import type { BotApiFailure } from './client.js';
import { provisionBot } from './provision.js';

export { TelegramBotChannel } from './channel.js';
export { BotApiFailure, failureClass } from './client.js';
export { BotWebhookEndpoint, SECRET_HEADER } from './webhook.js';

export interface TelegramBotDeps {
  apiRoot: string;
  publicUrl: URL | undefined;
  downloadLimitBytes: number;
  keys: Keys;
  state: ChannelStateRepository;
  logger: Logger;
  retryBaseMs: number;
  /** Long-poll timeout of getUpdates. */
  pollTimeoutSeconds?: number;
  /** Counts an update skipped because it can never be stored. */
  countSkipped(accountId: AccountId): Promise<void>;
  /** Whether this process's lease of the account is current: polling waits while it is not (workers). */
  mayPoll?: (accountId: AccountId) => boolean;
  /** Told of every failed Bot API call (metrics). */
  onFailure?: (failure: BotApiFailure) => void;
}

export function telegramBotChannels(deps: TelegramBotDeps): ChannelFactory {
  const { keys } = deps;
  return {
    idempotentSend: false,
    provision: (input) => provisionBot({ apiRoot: deps.apiRoot, keys }, input),
    create: (account, secret) => {
      const logger = deps.logger.child({ accountId: account.id });
      return new TelegramBotChannel(account, secret, {
        apiRoot: deps.apiRoot,
        publicUrl: deps.publicUrl,
        downloadLimitBytes: deps.downloadLimitBytes,
        keys,
        state: deps.state,
        logger,
        retryBaseMs: deps.retryBaseMs,
        pollTimeoutSeconds: deps.pollTimeoutSeconds ?? 30,
        countSkipped: deps.countSkipped,
        mayPoll: () => deps.mayPoll?.(account.id) ?? true,
        onFailure: deps.onFailure,
      });
    },
  };
}
