// What a connector provides for its account type: how to make the account's channel, and how to add and forget
// accounts of that type. Each connector's index.ts exports one; the app runs them through this seam.
import type { Account, AccountType } from '../domain/account.js';
import type { AccountId, ExternalId } from '../domain/ids.js';
import type { Channel } from './channel.js';

/** What a new account of a type is made of, learned from its source when it is added (e.g. a bot's getMe). */
export interface ProvisionedAccount {
  title: string;
  externalId: ExternalId | null;
  username: string | null;
  phone: string | null;
  /** In the clear (the account repository seals it for its row). */
  secret: string | null;
  /** Keyed hash identifying the secret without revealing it (legacy webhook lookup, duplicate check). */
  secretLookup: string | null;
}

export interface ProvisionInput {
  title?: string;
  token?: string;
}

export interface ChannelFactory {
  /** Whether a send interrupted by a crash may be repeated safely (see Channel.capabilities). */
  idempotentSend: boolean;
  /** `secret` is the account's secret in the clear (a bot's token, a personal account's API credentials). */
  create(account: Account, secret: string | null): Channel;
  /** Checks the input with the source and describes the account to store; throws Invalid with the reason. */
  provision?(input: ProvisionInput): Promise<ProvisionedAccount>;
  /** The account was deleted: drop what the source kept for it beside its row (a personal account's session). */
  forget?(accountId: AccountId): Promise<void>;
}

export type ChannelFactories = Partial<Record<AccountType, ChannelFactory>>;
