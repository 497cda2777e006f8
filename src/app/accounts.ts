// Managing sources (admins only): add, change, start, stop, delete — at run time, without a restart. Starting
// and stopping write the desired state; the runtime (in this process or a worker) makes it so.
import { customerMessage, type SimulatedCustomer } from '../channels/simulator/messages.js';
import { canRestart, type Account, type AccountSettings, type AccountType } from '../domain/account.js';
import { Conflict, Invalid, NotFound } from '../domain/errors.js';
import type { AccountId } from '../domain/ids.js';
import type { AccountRepository } from '../store/accounts.js';
import type { ChatRepository } from '../store/chats.js';
import type { Page } from '../store/cursor.js';
import type { Database } from '../store/db.js';
import type { AuditLog } from '../store/audit.js';
import { inTransaction } from '../store/transaction.js';
import type { EventSink } from './events.js';
import type { IngestOutcome, IngestService } from './ingest.js';
import { requireAdmin, type Actor } from './operators.js';
import type { ChannelFactories, ProvisionedAccount } from '../channels/factory.js';
import type { Reconciler } from './runtime.js';

export interface NewAccountInput {
  type: AccountType;
  title?: string;
  /** A bot's token from @BotFather. */
  token?: string;
  settings?: AccountSettings;
  /** Start right away (the default). */
  start?: boolean;
}

interface Deps {
  database: Database;
  accounts: AccountRepository;
  chats: ChatRepository;
  ingest: IngestService;
  events: EventSink;
  audit: AuditLog;
  /** This process's channels, or the worker holding the account (api processes); null: workers pick desired states up. */
  runtime: Reconciler | null;
  /** Tells the workers of other processes to reconcile this account now rather than at their next pass. */
  announce: (accountId: AccountId) => Promise<void>;
  factories: ChannelFactories;
}

export class AccountService {
  constructor(private readonly deps: Deps) {}

  async list(actor: Actor, page: { cursor?: string; limit: number }): Promise<Page<Account>> {
    requireAdmin(actor);
    return this.deps.accounts.list(page);
  }

  async get(actor: Actor, id: AccountId): Promise<Account> {
    requireAdmin(actor);
    return this.find(id);
  }

  async create(actor: Actor, input: NewAccountInput): Promise<Account> {
    requireAdmin(actor);
    const provisioned = await this.provision(input);
    const account = await this.deps.accounts.insert({
      type: input.type,
      ...provisioned,
      desiredState: input.start === false ? 'stopped' : 'running',
      settings: input.settings ?? {},
    });
    await this.audit(actor, 'account.created', account.id, { type: account.type });
    await this.announce(account.id);
    await this.deps.runtime?.reconcile(account.id);
    return this.find(account.id);
  }

  async update(actor: Actor, id: AccountId, changes: { title?: string; settings?: AccountSettings; token?: string }): Promise<Account> {
    requireAdmin(actor);
    const account = await this.find(id);
    const secret = changes.token === undefined ? {} : await this.replacementSecret(account, changes.token);
    await this.deps.accounts.update(id, {
      ...(changes.title !== undefined && { title: changes.title.trim() }),
      ...(changes.settings !== undefined && { settings: { ...account.settings, ...changes.settings } }),
      ...secret,
    });
    await this.audit(actor, 'account.updated', id, { fields: Object.keys(changes).sort() });
    await this.announce(id);
    return this.find(id);
  }

  async start(actor: Actor, id: AccountId): Promise<Account> {
    requireAdmin(actor);
    const account = await this.find(id);
    if (account.desiredState === 'running' && !canRestart(account)) {
      throw new Conflict(`account ${id} is already running (status ${account.status})`);
    }
    await this.deps.accounts.update(id, { desiredState: 'running' });
    if (canRestart(account)) await this.deps.accounts.setStatus(id, { status: 'stopped', reason: null, until: null });
    await this.audit(actor, 'account.started', id);
    await this.deps.runtime?.reconcile(id);
    await this.announce(id);
    return this.find(id);
  }

  async stop(actor: Actor, id: AccountId): Promise<Account> {
    requireAdmin(actor);
    const account = await this.find(id);
    if (account.desiredState === 'stopped') throw new Conflict(`account ${id} is already stopped`);
    await this.deps.accounts.update(id, { desiredState: 'stopped' });
    await this.audit(actor, 'account.stopped', id);
    await this.deps.runtime?.reconcile(id);
    await this.announce(id);
    return this.find(id);
  }

  /** Stops the account and hides it; its chats and history stay readable by admins. */
  async delete(actor: Actor, id: AccountId): Promise<void> {
    requireAdmin(actor);
    const account = await this.find(id);
    const { database, accounts, chats } = this.deps;
    const chatIds = await inTransaction(database, async (trx) => {
      await accounts.softDelete(id, trx);
      return chats.deleteAllOf(trx, id);
    });
    await this.deps.runtime?.reconcile(id);
    await this.deps.factories[account.type]?.forget?.(id);
    await this.audit(actor, 'account.deleted', id, { chats: chatIds.length });
    await this.announce(id);
    const views = await chats.viewsByIds(database.db, chatIds);
    await this.deps.events.publish(
      views.map((view) => ({ type: 'chat.updated' as const, chat: view, before: { assigneeId: view.chat.assigneeId, deletedAt: null } })),
    );
  }

  /** Injects a customer's message into a running simulator account, through the normal ingest path. */
  async simulate(actor: Actor, id: AccountId, from: SimulatedCustomer, text: string, messageId?: string): Promise<IngestOutcome> {
    requireAdmin(actor);
    const account = await this.find(id);
    if (account.type !== 'simulator') throw new Invalid('only simulator accounts can simulate customers', { field: 'id' });
    if (account.desiredState !== 'running') throw new Conflict(`account ${id} is stopped; start it first`);
    return this.deps.ingest.handle(
      { accountId: id, accountType: 'simulator', network: 'simulator', settings: account.settings },
      { type: 'message.new', message: customerMessage(from, text, messageId) },
    );
  }

  /** What the source says about the new account (a bot's identity); simulators need nothing. */
  private async provision(input: NewAccountInput): Promise<ProvisionedAccount> {
    if (input.type === 'simulator') {
      return { title: input.title?.trim() || 'Simulator', externalId: null, username: null, phone: null, secret: null, secretLookup: null };
    }
    const factory = this.deps.factories[input.type];
    if (!factory?.provision) {
      throw new Invalid(`accounts of type "${input.type}" are added through their own flow`, { field: 'type' });
    }
    const provisioned = await factory.provision({ ...(input.title && { title: input.title.trim() }), ...(input.token && { token: input.token }) });
    if (provisioned.secretLookup && (await this.deps.accounts.findBySecretLookup(provisioned.secretLookup))) {
      throw new Conflict('this account was already added', { field: 'token' });
    }
    return provisioned;
  }

  /** A bot's new token (after /revoke in BotFather): checked with its source, and it must be the same bot. */
  private async replacementSecret(account: Account, token: string) {
    const factory = this.deps.factories[account.type];
    if (!factory?.provision || account.type !== 'bot') throw new Invalid('only bots take a new token', { field: 'token' });
    const provisioned = await factory.provision({ token });
    if (provisioned.externalId !== account.externalId) {
      throw new Invalid(`this token belongs to another bot (@${provisioned.username ?? provisioned.externalId})`, { field: 'token' });
    }
    const holder = provisioned.secretLookup ? await this.deps.accounts.findBySecretLookup(provisioned.secretLookup) : undefined;
    if (holder && holder.id !== account.id) throw new Conflict('another account already has this token', { field: 'token' });
    return { secret: provisioned.secret, secretLookup: provisioned.secretLookup, username: provisioned.username };
  }

  private async find(id: AccountId): Promise<Account> {
    const account = await this.deps.accounts.findById(id);
    if (!account) throw new NotFound(`account ${id} not found`);
    return account;
  }

  private async announce(id: AccountId): Promise<void> {
    await this.deps.announce(id);
    const account = await this.deps.accounts.findById(id, { includeDeleted: true });
    if (account) await this.deps.events.publish([{ type: 'account.updated', account }]);
  }

  private async audit(actor: Actor, action: string, id: AccountId, details?: Record<string, unknown>): Promise<void> {
    await this.deps.audit.record({
      actorId: actor.principal.operator.id,
      action,
      targetType: 'account',
      targetId: id,
      ip: actor.ip,
      ...(details && { details }),
    });
  }
}
