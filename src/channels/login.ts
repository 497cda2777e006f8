// The login seam of personal accounts: a connector that logs accounts in with Telegram implements it; the app's
// LoginService drives it step by step.
import type { Account } from '../domain/account.js';
import type { AccountId, ExternalId } from '../domain/ids.js';

/** my.telegram.org credentials of the app the account logs in through. */
export interface ApiCredentials {
  apiId: number;
  apiHash: string;
}

export interface CodeSent {
  codeType: string;
  nextCodeType: string | null;
  timeoutSeconds: number | null;
}

/** The Telegram user a login ended up as. */
export interface SignedIn {
  externalId: ExternalId;
  firstName: string;
  lastName: string | null;
  username: string | null;
  phone: string | null;
}

export type SignInOutcome = { state: 'signed_in'; user: SignedIn } | { state: 'password_needed'; hint: string | null };

export interface QrCode {
  url: string;
  expiresAt: Date;
}

export interface QrListener {
  refreshed(code: QrCode): void;
  finished(outcome: SignInOutcome): void;
  failed(error: unknown): void;
}

/**
 * One login with Telegram in progress (the login seam). Each step throws Parley's domain errors with Telegram's
 * reason in `details.reason`: Invalid (wrong code, password, phone), RateLimited (flood wait), Forbidden
 * (banned number), ChannelUnavailable (Telegram cannot be reached: answered within the login timeout).
 */
export interface LoginSession {
  sendCode(phone: string): Promise<CodeSent>;
  resendCode(): Promise<CodeSent>;
  signIn(code: string): Promise<SignInOutcome>;
  checkPassword(password: string): Promise<SignedIn>;
  /** Resolves with the first QR code; later ones and the outcome go to the listener until close(). */
  startQr(listener: QrListener): Promise<QrCode>;
  /** Ends the Telegram session this login created (a duplicate account). */
  logOut(): Promise<void>;
  /** Disconnects; what was authorised stays in the account's stored session. */
  close(): Promise<void>;
}

export interface LoginProvider {
  /** The configured credentials (TELEGRAM_API_ID / TELEGRAM_API_HASH), if any. */
  readonly defaultCredentials: ApiCredentials | null;
  open(account: Pick<Account, 'id' | 'phone'>, credentials: ApiCredentials): LoginSession;
  /** Forgets an account's stored session, before a new login replaces it. */
  forget(accountId: AccountId): Promise<void>;
  /** An account's own credentials as its secret (in the clear; the account repository seals it). */
  secretFor(credentials: ApiCredentials): string;
  /** The login succeeded: the account's first connection imports its recent history. */
  loggedIn(accountId: AccountId): Promise<void>;
}
