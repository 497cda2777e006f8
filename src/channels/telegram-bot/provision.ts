// Adding a bot: its token is checked with getMe (the account repository stores it sealed); the bot's identity
// fills the account.
import type { ProvisionedAccount, ProvisionInput } from '../factory.js';
import { ChannelUnavailable, Invalid } from '../../domain/errors.js';
import { externalId } from '../../domain/ids.js';
import type { Keys } from '../../security/keys.js';
import { BotApiFailure, BotClient } from './client.js';

/** What @BotFather hands out: the bot's id, a colon, a secret. */
const TOKEN_PATTERN = /^\d{1,20}:[A-Za-z0-9_-]{20,100}$/;
/**
 * An admin waits on this answer: a Bot API that takes the connection and never answers must become a 503
 * within 10 s (getMe answers in well under a second when Telegram is reachable).
 */
const CHECK_TIMEOUT_SECONDS = 8;

export interface ProvisionDeps {
  apiRoot: string;
  keys: Keys;
}

export async function provisionBot(deps: ProvisionDeps, input: ProvisionInput): Promise<ProvisionedAccount> {
  const token = input.token?.trim();
  if (!token) throw new Invalid('a bot needs its token from @BotFather', { field: 'token' });
  if (!TOKEN_PATTERN.test(token)) {
    throw new Invalid('this is not a bot token', { field: 'token', reason: 'expected the form 123456789:AAE… given by @BotFather' });
  }
  const client = new BotClient(token, { apiRoot: deps.apiRoot, timeoutSeconds: CHECK_TIMEOUT_SECONDS });
  let me;
  try {
    me = await client.call((api) => api.getMe());
  } catch (error) {
    const failure = error instanceof BotApiFailure ? error : client.failure(error);
    if (failure.kind === 'unavailable') {
      throw new ChannelUnavailable(`Telegram could not check the token: ${failure.description}`);
    }
    if (failure.kind === 'flood') {
      throw new ChannelUnavailable('Telegram asks to wait before checking the token again', failure.retryAfter ?? 1);
    }
    throw new Invalid('Telegram did not accept this bot token', { field: 'token', reason: failure.description });
  }
  return {
    title: input.title ?? me.first_name,
    externalId: externalId(me.id),
    username: me.username,
    phone: null,
    secret: token,
    secretLookup: deps.keys.mac('lookup', token),
  };
}
