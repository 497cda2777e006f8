// Logins in an api process: the login's Telegram client lives in one worker, so every step, from any api
// process, goes to that worker. It is the account's owner when it has one, otherwise a live worker chosen from
// the phone number; the choice is remembered (RouteMemory, for as long as the login may stay idle), so a worker
// joining or leaving meanwhile does not move it. A worker that is gone loses its logins: the next step says so.
import { createHash } from 'node:crypto';
import { ChannelUnavailable, Conflict } from '../domain/errors.js';
import type { AccountId } from '../domain/ids.js';
import type { LoginProgress } from '../domain/login.js';
import type { AccountOwners } from '../leases/owners.js';
import type { Logger } from '../log.js';
import { ProcessGone } from '../routing/commands.js';
import type { RouteMemory } from '../routing/route-memory.js';
import type { AccountRepository } from '../store/accounts.js';
import type { ProgressWire, WorkerCommands } from './commands.js';
import { normalizePhone, type LoginResult, type Logins, type LoginService, type StartLogin } from './logins.js';
import { requireAdmin, type Actor } from './operators.js';
import { actorToWire, progressFromWire } from './worker-commands.js';

interface Deps {
  commands: WorkerCommands;
  owners: AccountOwners;
  routes: RouteMemory;
  accounts: AccountRepository;
  /** This process's own logins (none in progress): the answers for a login that is nowhere, and settling lost ones. */
  here: LoginService;
  /** A login left alone this long is abandoned by its worker; its route is kept as long. */
  idleMs: number;
  /** How long a step may take in the worker (Telegram's answer, and the channel's start after the last step). */
  timeoutMs: number;
  logger: Logger;
}

interface Route {
  worker: string;
  created: boolean;
}

const LOST = 'the Parley worker holding it stopped';

export class RoutedLogins implements Logins {
  constructor(private readonly deps: Deps) {}

  async authenticate(actor: Actor, input: StartLogin): Promise<LoginResult> {
    requireAdmin(actor);
    return this.start(actor, { method: 'phone', ...input });
  }

  async authenticateQr(actor: Actor, input: Omit<StartLogin, 'phone'>): Promise<LoginResult> {
    requireAdmin(actor);
    return this.start(actor, { method: 'qr', ...input });
  }

  async verifyCode(actor: Actor, id: AccountId, code: string): Promise<LoginResult> {
    requireAdmin(actor);
    const wire = await this.step(id, (worker) => this.send(worker, 'login.code', { actor: actorToWire(actor), accountId: id, code }));
    return wire ? this.result(wire) : this.deps.here.verifyCode(actor, id, code);
  }

  async verifyPassword(actor: Actor, id: AccountId, password: string): Promise<LoginResult> {
    requireAdmin(actor);
    const wire = await this.step(id, (worker) => this.send(worker, 'login.password', { actor: actorToWire(actor), accountId: id, password }));
    return wire ? this.result(wire) : this.deps.here.verifyPassword(actor, id, password);
  }

  async resendCode(actor: Actor, id: AccountId): Promise<LoginResult> {
    requireAdmin(actor);
    const wire = await this.step(id, (worker) => this.send(worker, 'login.resend', { actor: actorToWire(actor), accountId: id }));
    return wire ? this.result(wire) : this.deps.here.resendCode(actor, id);
  }

  async progress(actor: Actor, id: AccountId): Promise<LoginProgress> {
    requireAdmin(actor);
    const wire = await this.step(id, (worker) => this.send(worker, 'login.progress', { actor: actorToWire(actor), accountId: id }));
    return wire ? progressFromWire(wire) : this.deps.here.progress(actor, id);
  }

  async cancel(actor: Actor, id: AccountId): Promise<void> {
    requireAdmin(actor);
    const route = await this.recall(id);
    if (!route) {
      // as for a step: the owner may hold the login; a gone one holds nothing
      const owner = await this.deps.owners.ownerOf(id);
      const request = { actor: actorToWire(actor), accountId: id };
      const done = owner ? await this.send(owner, 'login.cancel', request).then(() => true, (error: unknown) => (error instanceof ProcessGone ? false : Promise.reject(error))) : false;
      return done ? undefined : this.deps.here.cancel(actor, id);
    }
    try {
      await this.send(route.worker, 'login.cancel', { actor: actorToWire(actor), accountId: id });
      await this.deps.routes.forget(routeKey(id));
    } catch (error) {
      // the worker is gone and its login with it: cancelling asked for no more than that
      if (!(error instanceof ProcessGone)) throw error;
      await this.lose(id, route);
    }
  }

  async close(): Promise<void> {
    await this.deps.here.close();
  }

  /** Starts the login in its worker; one that turns out to be gone (not yet missed by the owners) is passed over once. */
  private async start(actor: Actor, request: StartLogin & { method: 'phone' | 'qr' }): Promise<LoginResult> {
    const first = await this.workerFor(request.phone);
    try {
      return await this.startIn(first, actor, request);
    } catch (error) {
      if (!(error instanceof ProcessGone)) throw error;
      this.deps.logger.warn({ worker: first }, 'the worker chosen for a login is gone; choosing another');
      return this.startIn(await this.workerFor(request.phone, first), actor, request);
    }
  }

  private async startIn(worker: string, actor: Actor, request: StartLogin & { method: 'phone' | 'qr' }): Promise<LoginResult> {
    const { progress, created } = await this.send(worker, 'login.start', { actor: actorToWire(actor), ...request });
    await this.deps.routes.remember(routeKey(progress.accountId), JSON.stringify({ worker, created } satisfies Route), this.deps.idleMs);
    return this.result(progress);
  }

  /**
   * Runs a later step where its login lives; with no route remembered, the account's owner may hold it (a login
   * of an account it runs). Null when there is no owner either: no login anywhere, this process answers as the
   * embedded one would (404 for no such account, 409 for no login).
   */
  private async step(id: AccountId, there: (worker: string) => Promise<ProgressWire>): Promise<ProgressWire | null> {
    const route = await this.recall(id);
    if (!route) {
      const owner = await this.deps.owners.ownerOf(id);
      // an owner that is gone (its lease not yet expired) holds no login either
      return owner ? there(owner).catch((error: unknown) => (error instanceof ProcessGone ? null : Promise.reject(error))) : null;
    }
    try {
      const progress = await there(route.worker);
      if (progress.state === 'active' || progress.state === 'failed') await this.deps.routes.forget(routeKey(id));
      else await this.deps.routes.remember(routeKey(id), JSON.stringify(route), this.deps.idleMs);
      return progress;
    } catch (error) {
      if (!(error instanceof ProcessGone)) throw error;
      await this.lose(id, route);
      throw new Conflict(`the login of account ${id} was lost: ${LOST}; start it again with POST /api/accounts/authenticate/`, { reason: 'login_lost' });
    }
  }

  /** The worker to start a login in: the one holding the account, or a live one chosen from the phone number. */
  private async workerFor(phone: string | undefined, gone?: string): Promise<string> {
    const { accounts, owners } = this.deps;
    const live = (await owners.liveWorkers()).filter((worker) => worker !== gone);
    const normalized = phone === undefined ? '' : normalizePhone(phone);
    const existing = normalized ? (await accounts.listLive()).find((a) => a.type === 'user' && a.phone === normalized) : undefined;
    if (existing) {
      const route = await this.recall(existing.id);
      if (route && live.includes(route.worker)) return route.worker;
      const owner = await owners.ownerOf(existing.id);
      if (owner && owner !== gone) return owner;
    }
    if (live.length === 0) {
      throw new ChannelUnavailable('no Parley worker is running to hold the login; try again when one is', undefined, { reason: 'no_worker' });
    }
    return live[createHash('sha256').update(normalized).digest().readUInt32BE(0) % live.length] ?? live[0]!;
  }

  /** A login whose worker is gone: settled once, by whichever process noticed first. */
  private async lose(id: AccountId, route: Route): Promise<void> {
    if (!(await this.deps.routes.forget(routeKey(id)))) return;
    this.deps.logger.warn({ accountId: id, worker: route.worker }, 'a login was lost with its worker');
    await this.deps.here.lost(id, route.created, LOST);
  }

  private async recall(id: AccountId): Promise<Route | null> {
    const raw = await this.deps.routes.recall(routeKey(id));
    if (raw === null) return null;
    const route = JSON.parse(raw) as Partial<Route>;
    return typeof route.worker === 'string' ? { worker: route.worker, created: route.created === true } : null;
  }

  private send: WorkerCommands['send'] = (worker, name, request) => this.deps.commands.send(worker, name, request, { timeoutMs: this.deps.timeoutMs });

  private async result(wire: ProgressWire): Promise<LoginResult> {
    const progress = progressFromWire(wire);
    return { progress, account: await this.deps.accounts.get(progress.accountId) };
  }
}

function routeKey(id: number): string {
  return `login:${id}`;
}
