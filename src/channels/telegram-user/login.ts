// The login seam for personal accounts on mtcute: a client on the account's (fresh) stored session walks
// through sendCode → signIn → checkPassword or a QR token; Telegram's errors become clear 4xx answers, and a
// Telegram that does not answer becomes a 503 within the login timeout.
import { MtUnsupportedError, type User } from '@mtcute/core';
import type { TelegramClient } from '@mtcute/core/client.js';
import type { CodeSent, LoginSession, QrCode, QrListener, SignedIn, SignInOutcome } from '../login.js';
import type { Account } from '../../domain/account.js';
import { ChannelUnavailable, Conflict, Forbidden, Invalid, RateLimited, type DomainError } from '../../domain/errors.js';
import { externalId } from '../../domain/ids.js';
import type { Logger } from '../../log.js';
import { clientParams, type ApiCredentials, type TelegramClientFactory } from './client.js';
import { errorText, floodWaitSeconds, isRpcError, withTimeout } from './errors.js';
import { forwardMtcuteLogs } from './logs.js';
import { NO_UPDATE_STATE, SessionStorage, type SessionStorageOptions } from './storage/index.js';

export interface LoginSessionOptions extends Omit<SessionStorageOptions, 'gate' | 'accountId'> {
  clients: TelegramClientFactory;
  logger: Logger;
  /** How long one step may wait for Telegram before answering 503. */
  timeoutMs: number;
}

export class TelegramLoginSession implements LoginSession {
  private readonly tg: TelegramClient;
  private readonly aborted = new AbortController();
  private phone = '';
  private phoneCodeHash = '';

  constructor(account: Pick<Account, 'id' | 'phone'>, credentials: ApiCredentials, private readonly options: LoginSessionOptions) {
    // a login hands updates to nobody, so its client never saves an update state: the channel's first
    // start fetches a fresh one, and the history import covers what came before
    const storage = new SessionStorage({ ...options, accountId: account.id, gate: NO_UPDATE_STATE });
    this.tg = options.clients(clientParams(account, storage, credentials, 'login', options.logger));
    forwardMtcuteLogs(this.tg, options.logger);
  }

  async sendCode(phone: string): Promise<CodeSent> {
    this.phone = phone;
    const sent = await this.call((signal) => this.tg.sendCode({ phone, abortSignal: signal }));
    if (!('phoneCodeHash' in sent)) throw new Conflict('Telegram logged this session in without a code; start the login again');
    this.phoneCodeHash = sent.phoneCodeHash;
    return codeSent(sent);
  }

  async resendCode(): Promise<CodeSent> {
    const sent = await this.call((signal) => this.tg.resendCode({ phone: this.phone, phoneCodeHash: this.phoneCodeHash, abortSignal: signal }));
    this.phoneCodeHash = sent.phoneCodeHash;
    return codeSent(sent);
  }

  async signIn(code: string): Promise<SignInOutcome> {
    try {
      const user = await this.call((signal) =>
        this.tg.signIn({ phone: this.phone, phoneCodeHash: this.phoneCodeHash, phoneCode: code, abortSignal: signal }),
      );
      return { state: 'signed_in', user: signedIn(user) };
    } catch (error) {
      if (!isPasswordNeeded(error)) throw error;
      return this.passwordNeeded();
    }
  }

  async checkPassword(password: string): Promise<SignedIn> {
    const user = await this.call((signal) => this.tg.checkPassword({ password, abortSignal: signal }));
    return signedIn(user);
  }

  startQr(listener: QrListener): Promise<QrCode> {
    return new Promise((resolve, reject) => {
      let shown = false;
      const login = this.tg.signInQr({
        abortSignal: this.aborted.signal,
        onUrlUpdated: (url, expiresAt) => {
          if (shown) return listener.refreshed({ url, expiresAt });
          shown = true;
          resolve({ url, expiresAt });
        },
      });
      const outcome = login.then(
        (user): Promise<SignInOutcome> => Promise.resolve({ state: 'signed_in', user: signedIn(user) }),
        (error: unknown) => (isPasswordNeeded(error) ? this.passwordNeeded() : Promise.reject(error)),
      );
      outcome.then(
        (result) => listener.finished(result),
        (error: unknown) => {
          if (this.aborted.signal.aborted) return;
          const mapped = loginError(error);
          if (shown) listener.failed(mapped);
          else reject(mapped);
        },
      );
      const timer = setTimeout(() => {
        if (shown) return;
        this.aborted.abort();
        reject(unreachable(this.options.timeoutMs, null));
      }, this.options.timeoutMs);
      timer.unref();
      void outcome.finally(() => clearTimeout(timer)).catch(() => undefined);
    });
  }

  async logOut(): Promise<void> {
    await this.call(() => this.tg.logOut());
  }

  async close(): Promise<void> {
    this.aborted.abort();
    await this.tg.destroy();
  }

  private async passwordNeeded(): Promise<SignInOutcome> {
    const hint = await this.call(() => this.tg.getPasswordHint()).catch(() => null);
    return { state: 'password_needed', hint };
  }

  /** One request to Telegram, answered within the timeout; its errors as Parley's. */
  private async call<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const onClose = () => controller.abort();
    this.aborted.signal.addEventListener('abort', onClose);
    let lastError: string | null = null;
    const onError = (error: Error) => (lastError = errorText(error));
    this.tg.onError.add(onError);
    try {
      return await withTimeout(work(controller.signal), this.options.timeoutMs, () => unreachable(this.options.timeoutMs, lastError), controller);
    } catch (error) {
      throw isPasswordNeeded(error) ? error : loginError(error);
    } finally {
      this.aborted.signal.removeEventListener('abort', onClose);
      this.tg.onError.remove(onError);
    }
  }
}

function isPasswordNeeded(error: unknown): boolean {
  return isRpcError(error) && error.is('SESSION_PASSWORD_NEEDED');
}

function codeSent(sent: { type: string; nextType: string; timeout: number }): CodeSent {
  return { codeType: sent.type, nextCodeType: sent.nextType === 'none' ? null : sent.nextType, timeoutSeconds: sent.timeout || null };
}

function signedIn(user: User): SignedIn {
  return {
    externalId: externalId(user.id),
    firstName: user.firstName,
    lastName: user.lastName,
    username: user.username?.toLowerCase() ?? null,
    phone: user.phoneNumber,
  };
}

function unreachable(timeoutMs: number, lastError: string | null): ChannelUnavailable {
  const detail = lastError ? ` (last error: ${lastError})` : '';
  return new ChannelUnavailable(`Telegram cannot be reached: no answer within ${Math.round(timeoutMs / 1000)} s${detail}`, undefined, {
    reason: 'TELEGRAM_UNREACHABLE',
  });
}

/** Telegram's refusals as the API's errors, with Telegram's own reason in `details.reason`. */
export function loginError(error: unknown): Error {
  if (error instanceof ChannelUnavailable || error instanceof Invalid || error instanceof Conflict) return error;
  if (error instanceof MtUnsupportedError) {
    return new Invalid('no Telegram account uses this phone number yet; create one in a Telegram app first', { field: 'phone', reason: 'SIGN_UP_REQUIRED' });
  }
  if (!isRpcError(error)) {
    return new ChannelUnavailable(`Telegram cannot be reached: ${errorText(error)}`, undefined, { reason: 'TELEGRAM_UNREACHABLE' });
  }
  const reason = errorText(error);
  const flood = floodWaitSeconds(error);
  if (flood !== null) return new RateLimited(`Telegram asks to wait ${flood} s before trying again`, flood, { reason });
  return KNOWN[error.text]?.(reason) ?? fallback(error.code, reason);
}

const KNOWN: Record<string, (reason: string) => DomainError> = {
  PHONE_NUMBER_INVALID: (reason) => new Invalid('Telegram does not accept this phone number', { field: 'phone', reason }),
  PHONE_NUMBER_BANNED: (reason) => new Forbidden('Telegram banned this phone number', { field: 'phone', reason }),
  PHONE_NUMBER_FLOOD: (reason) => new RateLimited('Telegram sent too many codes to this number; try again later', 3600, { reason }),
  PHONE_CODE_INVALID: (reason) => new Invalid('the code is wrong', { field: 'code', reason }),
  PHONE_CODE_EMPTY: (reason) => new Invalid('the code is empty', { field: 'code', reason }),
  PHONE_CODE_EXPIRED: (reason) => new Invalid('the code expired; ask for a new one with resend_code', { field: 'code', reason }),
  PHONE_CODE_HASH_EMPTY: (reason) => new Invalid('the code expired; start the login again', { field: 'code', reason }),
  PASSWORD_HASH_INVALID: (reason) => new Invalid('the password is wrong', { field: 'password', reason }),
  SRP_ID_INVALID: (reason) => new Invalid('the password check timed out; send the password again', { field: 'password', reason }),
  AUTH_RESTART: (reason) => new Conflict('Telegram asks to start the login again', { reason }),
  SEND_CODE_UNAVAILABLE: (reason) => new Conflict('Telegram has no other way to send the code; wait for it or start again', { reason }),
  API_ID_INVALID: (reason) => new Invalid('Telegram does not accept these API credentials (api_id / api_hash)', { field: 'api_id', reason }),
};

function fallback(code: number, reason: string): DomainError {
  if (code >= 500) return new ChannelUnavailable(`Telegram could not do it now (${reason}); try again`, undefined, { reason });
  return new Invalid(`Telegram refused: ${reason}`, { reason });
}
