// Bots in webhook mode (PUBLIC_URL set): registering the webhook with Telegram, and receiving its requests.
// The secret token is derived from SECRET_KEY and the account id, so nothing extra is stored. An update is
// answered 200 only after it is durable; any other answer makes Telegram deliver it again.
import type { Update } from 'grammy/types';
import type { Account } from '../../domain/account.js';
import { ChannelUnavailable, NotFound, Unauthenticated } from '../../domain/errors.js';
import type { AccountId } from '../../domain/ids.js';
import type { Logger } from '../../log.js';
import { sameSecret } from '../../security/compare.js';
import type { Keys } from '../../security/keys.js';
import type { AccountRepository } from '../../store/accounts.js';
import type { InboundSink } from '../channel.js';
import type { BotClient } from './client.js';
import { storeUpdate } from './store-update.js';
import { ALLOWED_UPDATES } from './updates.js';

export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

export function webhookUrl(publicUrl: URL, accountId: AccountId): string {
  const base = publicUrl.href.endsWith('/') ? publicUrl.href : `${publicUrl.href}/`;
  return new URL(`api/webhook/bot/${accountId}/`, base).href;
}

export function webhookSecret(keys: Keys, accountId: AccountId): string {
  return keys.mac('webhook', String(accountId));
}

/** Points Telegram at this account's webhook (setWebhook is idempotent; it also restarts a stalled delivery). */
export async function registerWebhook(client: BotClient, url: string, secret: string): Promise<void> {
  await client.call((api) => api.setWebhook(url, { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] }));
}

/** Before polling: getUpdates answers 409 while a webhook is set, so a bot coming back from webhook mode drops it. */
export async function removeWebhook(client: BotClient, logger: Logger): Promise<void> {
  const info = await client.call((api) => api.getWebhookInfo());
  if (!info.url) return;
  logger.info({ pending: info.pending_update_count }, 'bot switches to long polling: deleting its webhook');
  await client.call((api) => api.deleteWebhook({ drop_pending_updates: false }));
}

interface EndpointDeps {
  accounts: AccountRepository;
  /** Where an account's updates go (the app's ingest); resolves once the event is durable. */
  sinkFor(account: Account): InboundSink;
  keys: Keys;
  logger: Logger;
}

/**
 * How long a looked-up account is trusted without news of a change. Changes are announced (forget()); this
 * bounds the staleness when an announcement is lost (Redis away), and only ever lets an update be stored.
 */
const ACCOUNT_CACHE_MS = 5_000;
/** Ids answered from the cache at most; a flood of unknown ids cannot grow it further. */
const ACCOUNT_CACHE_SIZE = 1_000;

/** The receiving side. It needs no running channel, so it works in every process role. */
export class BotWebhookEndpoint {
  /** Every request of a bot asks for the same account: one read per account and period, not one per update. */
  private readonly accounts = new Map<AccountId, { at: number; account: Promise<Account | undefined> }>();
  /** The expected secret per account (an HMAC: derived, never changes). */
  private readonly secrets = new Map<AccountId, string>();

  constructor(private readonly deps: EndpointDeps) {}

  /** The account a request to `/api/webhook/bot/{id}/` is for, once its secret header matches. */
  async byId(accountId: AccountId, secretHeader: string | undefined): Promise<Account> {
    if (secretHeader === undefined || !sameSecret(secretHeader, this.secretOf(accountId))) {
      throw new Unauthenticated(`the ${SECRET_HEADER} header is missing or wrong`);
    }
    return this.live(await this.account(accountId));
  }

  /** The account changed (desired state, settings, deleted): read it again on its next request. */
  forget(accountId: AccountId): void {
    this.accounts.delete(accountId);
  }

  /** Everything may have changed unannounced (the bus was away). */
  forgetAll(): void {
    this.accounts.clear();
  }

  /** The account of a legacy `/api/webhook/bot/?token=BOT_TOKEN` request, found by a keyed hash of the token. */
  async byToken(token: string): Promise<Account> {
    return this.live(await this.deps.accounts.findBySecretLookup(this.deps.keys.mac('lookup', token)));
  }

  /**
   * Stores what the update says; resolves after the commit, or once an update that can never be stored was
   * skipped (answering 200 lets Telegram drop it). A failure that passes is a 503: Telegram delivers it again.
   */
  async receive(account: Account, update: Update): Promise<void> {
    const sink = this.deps.sinkFor(account);
    const logger = this.deps.logger.child({ accountId: account.id });
    try {
      await storeUpdate(update, {
        store: sink,
        countSkipped: () => this.deps.accounts.countSkippedUpdate(account.id),
        logger,
      });
    } catch (error) {
      logger.warn({ err: error, updateId: update.update_id }, 'bot update not stored yet; Telegram will deliver it again');
      throw new ChannelUnavailable('the update could not be stored yet; deliver it again');
    }
  }

  private secretOf(accountId: AccountId): string {
    let secret = this.secrets.get(accountId);
    if (secret === undefined) {
      secret = webhookSecret(this.deps.keys, accountId);
      if (this.secrets.size >= ACCOUNT_CACHE_SIZE) this.secrets.clear();
      this.secrets.set(accountId, secret);
    }
    return secret;
  }

  /** Only a request with the right secret gets here, so only real account ids are cached. */
  private account(accountId: AccountId): Promise<Account | undefined> {
    const now = Date.now();
    const cached = this.accounts.get(accountId);
    if (cached && now - cached.at < ACCOUNT_CACHE_MS) return cached.account;
    const account = this.deps.accounts.findById(accountId);
    if (this.accounts.size >= ACCOUNT_CACHE_SIZE) this.accounts.clear();
    this.accounts.set(accountId, { at: now, account });
    account.catch(() => this.accounts.delete(accountId));
    return account;
  }

  private live(account: Account | undefined): Account {
    if (!account || account.type !== 'bot') throw new NotFound('no such bot');
    // Telegram keeps what is not accepted and tries again later; the updates arrive once the bot is started.
    if (account.desiredState === 'stopped') throw new ChannelUnavailable(`bot "${account.title}" is stopped in Parley`);
    return account;
  }
}

