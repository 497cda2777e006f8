// Logging personal Telegram accounts in (admins only): phone → code → 2FA password, or a QR code scanned
// with the phone. A login in progress keeps its Telegram client in memory in the process that started it (the
// embedded process, or one worker): api processes route every step of a login there (app/routed-logins.ts).
import type { Account } from '../domain/account.js';
import { Conflict, Invalid, NotFound } from '../domain/errors.js';
import type { ApiCredentials, LoginProvider, LoginSession, QrCode, SignInOutcome } from '../channels/login.js';
import type { AccountId } from '../domain/ids.js';
import { loginProgress, type LoginProgress } from '../domain/login.js';
import type { Logger } from '../log.js';
import type { AccountRepository } from '../store/accounts.js';
import type { AuditLog } from '../store/audit.js';
import type { EventSink } from './events.js';
import { requireAdmin, type Actor } from './operators.js';
import type { Reconciler } from './runtime.js';

export interface StartLogin {
  phone?: string;
  apiId?: number;
  apiHash?: string;
  title?: string;
}

interface Pending {
  accountId: AccountId;
  session: LoginSession;
  progress: LoginProgress;
  phone: string | null;
  /** The admin named the account; otherwise it is named after the Telegram user once logged in. */
  titled: boolean;
  created: boolean;
  timer: NodeJS.Timeout;
  /** Steps of one login run one at a time. */
  step: Promise<unknown>;
}

export interface LoginResult {
  progress: LoginProgress;
  account: Account;
}

/** The login steps as the API offers them: run here (LoginService) or in the worker holding the login. */
export interface Logins {
  authenticate(actor: Actor, input: StartLogin): Promise<LoginResult>;
  authenticateQr(actor: Actor, input: Omit<StartLogin, 'phone'>): Promise<LoginResult>;
  verifyCode(actor: Actor, id: AccountId, code: string): Promise<LoginResult>;
  verifyPassword(actor: Actor, id: AccountId, password: string): Promise<LoginResult>;
  resendCode(actor: Actor, id: AccountId): Promise<LoginResult>;
  progress(actor: Actor, id: AccountId): Promise<LoginProgress>;
  cancel(actor: Actor, id: AccountId): Promise<void>;
  /** Shutdown: logins in progress here end. */
  close(): Promise<void>;
}

interface Deps {
  accounts: AccountRepository;
  events: EventSink;
  audit: AuditLog;
  runtime: Reconciler | null;
  announce: (accountId: AccountId) => Promise<void>;
  provider: LoginProvider;
  logger: Logger;
  /** A login left alone this long is abandoned. */
  idleMs: number;
}

const PHONE = /^\d{5,15}$/;
const LIVE_STATUSES = new Set(['active', 'connecting', 'flood_wait']);

export class LoginService implements Logins {
  private readonly pending = new Map<AccountId, Pending>();

  constructor(private readonly deps: Deps) {}

  async authenticate(actor: Actor, input: StartLogin): Promise<LoginResult> {
    requireAdmin(actor);
    const phone = normalizePhone(input.phone ?? '');
    const credentials = this.credentials(input);
    const existing = (await this.deps.accounts.listLive()).find((a) => a.type === 'user' && a.phone === phone);
    if (existing && existing.desiredState === 'running' && LIVE_STATUSES.has(existing.status)) {
      throw new Conflict(`this phone number is already connected as account ${existing.id}; stop it first to log in again`, { account_id: existing.id });
    }
    const pending = await this.begin(actor, existing, { ...input, phone }, credentials);
    const sent = await this.guard(pending, () => pending.session.sendCode(phone));
    return this.advance(pending, loginProgress(pending.accountId, 'code_sent', sent), 'waiting for the login code');
  }

  async authenticateQr(actor: Actor, input: Omit<StartLogin, 'phone'>): Promise<LoginResult> {
    requireAdmin(actor);
    const pending = await this.begin(actor, undefined, input, this.credentials(input));
    const first = await this.guard(pending, () =>
      pending.session.startQr({
        refreshed: (code) => this.background(pending, () => this.advance(pending, qrProgress(pending.accountId, code), 'waiting for the QR code to be scanned')),
        finished: (outcome) => this.background(pending, () => this.signedIn(actor, pending, outcome)),
        failed: (error) => this.background(pending, () => this.qrFailed(pending, error)),
      }),
    );
    return this.advance(pending, qrProgress(pending.accountId, first), 'waiting for the QR code to be scanned');
  }

  async verifyCode(actor: Actor, id: AccountId, code: string): Promise<LoginResult> {
    requireAdmin(actor);
    const pending = await this.find(id, 'code_sent');
    return this.serialized(pending, async () => {
      const outcome = await this.step(pending, () => pending.session.signIn(code.trim()));
      return this.signedIn(actor, pending, outcome);
    });
  }

  async verifyPassword(actor: Actor, id: AccountId, password: string): Promise<LoginResult> {
    requireAdmin(actor);
    const pending = await this.find(id, 'password_needed');
    return this.serialized(pending, async () => {
      const user = await this.step(pending, () => pending.session.checkPassword(password));
      return this.signedIn(actor, pending, { state: 'signed_in', user });
    });
  }

  async resendCode(actor: Actor, id: AccountId): Promise<LoginResult> {
    requireAdmin(actor);
    const pending = await this.find(id, 'code_sent');
    return this.serialized(pending, async () => {
      const sent = await this.step(pending, () => pending.session.resendCode());
      return this.advance(pending, loginProgress(id, 'code_sent', sent), 'waiting for the login code');
    });
  }

  async progress(actor: Actor, id: AccountId): Promise<LoginProgress> {
    requireAdmin(actor);
    const pending = this.pending.get(id);
    if (pending) return pending.progress;
    const account = await this.deps.accounts.findById(id);
    if (!account) throw new NotFound(`account ${id} not found`);
    if (account.type !== 'user') throw new Conflict(`account ${id} is not a personal Telegram account`);
    if (account.status === 'login_pending') throw noLogin(id);
    return loginProgress(id, account.externalId === null ? 'failed' : 'active');
  }

  async cancel(actor: Actor, id: AccountId): Promise<void> {
    requireAdmin(actor);
    const pending = this.pending.get(id);
    if (!pending) throw await this.noLoginFor(id);
    await this.abandon(pending, 'the login was cancelled');
  }

  /** Whether the login in progress of this account created the account (rather than logging one in again). */
  createdAccount(id: AccountId): boolean {
    return this.pending.get(id)?.created ?? false;
  }

  /**
   * A login whose process is gone (its client went with it): what abandoning it here would have left. An account
   * it created is removed; one being logged in again waits for the next login.
   */
  async lost(id: AccountId, created: boolean, reason: string): Promise<void> {
    const { accounts, provider } = this.deps;
    if (created) {
      await provider.forget(id);
      await accounts.softDelete(id);
    } else {
      await accounts.setStatus(id, { status: 'needs_reauth', reason: `login not completed: ${reason}`, until: null });
    }
    await this.publish(loginProgress(id, 'failed', { error: reason }));
  }

  /** Shutdown: logins in progress end (their clients disconnect); admins start them again. */
  async close(): Promise<void> {
    await Promise.all([...this.pending.values()].map((pending) => this.abandon(pending, 'Parley stopped during the login')));
  }

  private credentials(input: { apiId?: number; apiHash?: string }): { own: ApiCredentials | null; use: ApiCredentials } {
    if ((input.apiId === undefined) !== (input.apiHash === undefined)) {
      throw new Invalid('api_id and api_hash go together', { field: input.apiId === undefined ? 'api_id' : 'api_hash' });
    }
    const own = input.apiId !== undefined && input.apiHash !== undefined ? { apiId: input.apiId, apiHash: input.apiHash } : null;
    const use = own ?? this.deps.provider.defaultCredentials;
    if (!use) {
      throw new Invalid('Telegram API credentials are needed: pass api_id and api_hash (from my.telegram.org), or set TELEGRAM_API_ID and TELEGRAM_API_HASH', {
        field: 'api_id',
      });
    }
    return { own, use };
  }

  /** The account row (new, or the one being logged in again), stopped, with a fresh session and a client. */
  private async begin(actor: Actor, existing: Account | undefined, input: StartLogin, credentials: { own: ApiCredentials | null; use: ApiCredentials }): Promise<Pending> {
    const { accounts, provider } = this.deps;
    const phone = input.phone ?? null;
    const secret = credentials.own ? provider.secretFor(credentials.own) : undefined;
    let account: Account;
    let created = !existing;
    if (existing) {
      // a login of the same phone still open: this one replaces it (and inherits whether it made the account)
      const earlier = this.pending.get(existing.id);
      if (earlier) {
        this.forgetPending(earlier);
        created = earlier.created;
        await earlier.session.close().catch(() => undefined);
      }
      // The desired state stays what the admin chose (replies waiting for this account must not read as "stopped");
      // login_pending keeps the runtime from connecting the old session meanwhile.
      if (secret || input.title) await accounts.update(existing.id, { ...(secret && { secret }), ...(input.title && { title: input.title.trim() }) });
      await accounts.setStatus(existing.id, { status: 'login_pending', reason: 'logging in again', until: null });
      await this.deps.runtime?.reconcile(existing.id);
      await this.deps.announce(existing.id);
      account = await accounts.get(existing.id);
    } else {
      account = await accounts.insert({
        type: 'user',
        title: input.title?.trim() || (phone ? `+${phone}` : 'Telegram account'),
        desiredState: 'stopped',
        settings: {},
        phone,
        secret: secret ?? null,
      });
      await this.audit(actor, 'account.created', account.id, { type: 'user', login: phone ? 'phone' : 'qr' });
    }
    await provider.forget(account.id);
    const session = provider.open(account, credentials.use);
    const pending: Pending = {
      accountId: account.id,
      session,
      progress: loginProgress(account.id, 'code_sent'),
      phone,
      titled: Boolean(input.title?.trim()) || (existing !== undefined && existing.externalId !== null),
      created,
      timer: this.expiry(account.id),
      step: Promise.resolve(),
    };
    this.pending.set(account.id, pending);
    return pending;
  }

  /** The first step: if Telegram refuses it, the login ends (see abandon). */
  private async guard<T>(pending: Pending, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      await this.abandon(pending, error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  /** A later step: a refused code or password leaves the login open for another try. */
  private async step<T>(pending: Pending, work: () => Promise<T>): Promise<T> {
    this.touch(pending);
    return work();
  }

  private serialized<T>(pending: Pending, work: () => Promise<T>): Promise<T> {
    const run = pending.step.then(work, work);
    pending.step = run.catch(() => undefined);
    return run;
  }

  private async find(id: AccountId, state: LoginProgress['state']): Promise<Pending> {
    const pending = this.pending.get(id);
    if (!pending) throw await this.noLoginFor(id);
    if (pending.progress.state !== state) {
      throw new Conflict(`this login is at step "${pending.progress.state}", not "${state}"`, { state: pending.progress.state });
    }
    return pending;
  }

  /** No login of this account here: 404 when there is no such account at all, so a typo is not a "conflict". */
  private async noLoginFor(id: AccountId): Promise<NotFound | Conflict> {
    const account = await this.deps.accounts.findById(id);
    return account ? noLogin(id) : new NotFound(`account ${id} not found`);
  }

  private async advance(pending: Pending, progress: LoginProgress, reason: string): Promise<LoginResult> {
    pending.progress = progress;
    this.touch(pending);
    await this.deps.accounts.setStatus(pending.accountId, { status: 'login_pending', reason, until: null });
    return this.publish(progress);
  }

  private async signedIn(actor: Actor, pending: Pending, outcome: SignInOutcome): Promise<LoginResult> {
    if (outcome.state === 'password_needed') {
      return this.advance(pending, loginProgress(pending.accountId, 'password_needed', { passwordHint: outcome.hint }), 'waiting for the 2FA password');
    }
    const { accounts, provider } = this.deps;
    const user = outcome.user;
    const duplicate = (await accounts.listLive()).find((a) => a.type === 'user' && a.externalId === user.externalId && a.id !== pending.accountId);
    if (duplicate) {
      await pending.session.logOut().catch(() => undefined);
      await this.abandon(pending, 'this Telegram account is already added');
      throw new Conflict(`this Telegram account is already added as account ${duplicate.id}; log that one in again instead`, { account_id: duplicate.id });
    }
    this.forgetPending(pending);
    await pending.session.close();
    await provider.loggedIn(pending.accountId);
    const name = [user.firstName, user.lastName].filter(Boolean).join(' ') || (user.username ? `@${user.username}` : `+${user.phone ?? ''}`);
    await accounts.update(pending.accountId, {
      externalId: user.externalId,
      username: user.username,
      phone: user.phone ?? pending.phone,
      desiredState: 'running',
      ...(!pending.titled && { title: name }),
    });
    await accounts.setStatus(pending.accountId, { status: 'stopped', reason: null, until: null });
    await this.audit(actor, 'account.logged_in', pending.accountId, { telegram_user_id: user.externalId });
    await this.deps.runtime?.reconcile(pending.accountId);
    await this.deps.announce(pending.accountId);
    return this.publish(loginProgress(pending.accountId, 'active'));
  }

  private async qrFailed(pending: Pending, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    await this.abandon(pending, `the QR login failed: ${reason}`);
  }

  /**
   * Ends a login without success: its client disconnects; an account it created is deleted again (a typo or an
   * abandoned login leaves nothing behind), an account being logged in again waits for the next login.
   */
  private async abandon(pending: Pending, reason: string): Promise<void> {
    if (this.pending.get(pending.accountId) !== pending) return;
    this.forgetPending(pending);
    await pending.session.close().catch((error: unknown) => this.deps.logger.warn({ err: error, accountId: pending.accountId }, 'login client did not close'));
    await this.lost(pending.accountId, pending.created, reason);
  }

  private forgetPending(pending: Pending): void {
    clearTimeout(pending.timer);
    this.pending.delete(pending.accountId);
  }

  private touch(pending: Pending): void {
    clearTimeout(pending.timer);
    pending.timer = this.expiry(pending.accountId);
  }

  private expiry(id: AccountId): NodeJS.Timeout {
    const timer = setTimeout(() => {
      const pending = this.pending.get(id);
      if (pending) this.background(pending, () => this.abandon(pending, 'it was left unfinished for too long'));
    }, this.deps.idleMs);
    timer.unref();
    return timer;
  }

  /** QR events arrive outside any request: run them in the login's order, while it is open, and log what fails. */
  private background(pending: Pending, work: () => Promise<unknown>): void {
    const open = async () => (this.pending.get(pending.accountId) === pending ? work() : undefined);
    void this.serialized(pending, open).catch((error: unknown) =>
      this.deps.logger.warn({ err: error, accountId: pending.accountId }, 'login step failed'),
    );
  }

  private async publish(progress: LoginProgress): Promise<LoginResult> {
    const account = await this.deps.accounts.get(progress.accountId);
    await this.deps.events.publish([{ type: 'account.updated', account, login: progress }]);
    return { progress, account };
  }

  private async audit(actor: Actor, action: string, id: AccountId, details: Record<string, unknown>): Promise<void> {
    await this.deps.audit.record({ actorId: actor.principal.operator.id, action, targetType: 'account', targetId: id, ip: actor.ip, details });
  }
}

export function normalizePhone(value: string): string {
  const phone = value.trim().replace(/[\s()+.-]/g, '');
  if (!PHONE.test(phone)) throw new Invalid('phone must be an international number, e.g. +44 7700 900123', { field: 'phone' });
  return phone;
}

function qrProgress(accountId: AccountId, code: QrCode): LoginProgress {
  return loginProgress(accountId, 'qr', { qrUrl: code.url, qrExpiresAt: code.expiresAt });
}

function noLogin(id: AccountId): Conflict {
  return new Conflict(
    `no login is in progress for account ${id} (it finished, expired, or was cancelled); start again with POST /api/accounts/authenticate/`,
  );
}

