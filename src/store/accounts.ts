import { sql, type Selectable } from 'kysely';
import type { Account, AccountSettings, AccountStatus, AccountType, DesiredState, HistoryImportProgress } from '../domain/account.js';
import type { AccountId, ExternalId } from '../domain/ids.js';
import type { SealedField, SecretBox } from '../security/secret-box.js';
import { decodeCursor, toPage, type Page } from './cursor.js';
import type { Database, Executor } from './db.js';
import { toDate, toDateOrNull, toIdString, toNumber, toNumberOrNull } from './rows.js';
import type { AccountsTable } from './schema.js';

type Row = Selectable<AccountsTable>;

export function toAccount(row: Row): Account {
  return {
    id: toNumber(row.id) as AccountId,
    type: row.type as AccountType,
    title: row.title,
    status: row.status as AccountStatus,
    statusReason: row.status_reason,
    statusUntil: toDateOrNull(row.status_until),
    desiredState: row.desired_state as DesiredState,
    externalId: row.external_id === null ? null : (toIdString(row.external_id) as ExternalId),
    username: row.username,
    phone: row.phone,
    settings: JSON.parse(row.settings) as AccountSettings,
    skippedUpdates: toNumber(row.skipped_updates),
    historyImport:
      row.history_import_done === null || row.history_import_total === null
        ? null
        : { done: toNumber(row.history_import_done), total: toNumber(row.history_import_total) },
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    deletedAt: toDateOrNull(row.deleted_at),
  };
}

export interface NewAccount {
  type: AccountType;
  title: string;
  desiredState: DesiredState;
  settings: AccountSettings;
  externalId?: ExternalId | null;
  username?: string | null;
  phone?: string | null;
  /** In the clear: sealed here, bound to the account's row. */
  secret?: string | null;
  secretLookup?: string | null;
}

export interface AccountChanges {
  title?: string;
  settings?: AccountSettings;
  desiredState?: DesiredState;
  externalId?: ExternalId | null;
  username?: string | null;
  phone?: string | null;
  secret?: string | null;
  secretLookup?: string | null;
}

export interface StatusChange {
  status: AccountStatus;
  reason: string | null;
  until: Date | null;
  /** Part of the status a channel reports: any change that does not carry it ends what an earlier one said. */
  historyImport?: HistoryImportProgress | null;
}

/** The column an account's secret is sealed for. */
export function accountSecretField(id: number): SealedField {
  return { table: 'accounts', column: 'secret', id };
}

/**
 * Accounts are soft-deleted: their chats and history stay readable by admins. Secrets (a bot's token, a personal
 * account's API credentials) go in and out in the clear and are sealed at rest; only code that writes or reads
 * them needs the SecretBox.
 */
export class AccountRepository {
  constructor(
    private readonly database: Database,
    private readonly secrets?: SecretBox,
  ) {}

  async insert(account: NewAccount): Promise<Account> {
    const now = Date.now();
    const id = await this.database.db.transaction().execute(async (trx) => {
      const result = await trx
      .insertInto('accounts')
      .values({
        type: account.type,
        title: account.title,
        status: 'stopped',
        desired_state: account.desiredState,
        external_id: account.externalId ?? null,
        username: account.username ?? null,
        phone: account.phone ?? null,
        secret: null,
        secret_lookup: account.secretLookup ?? null,
        settings: JSON.stringify(account.settings),
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow();
      const inserted = Number(result.insertId) as AccountId;
      // sealed for the row's id, known only now
      if (account.secret) await this.update(inserted, { secret: account.secret }, trx);
      return inserted;
    });
    return this.get(id);
  }

  async findById(id: AccountId, options: { includeDeleted?: boolean } = {}): Promise<Account | undefined> {
    let query = this.database.db.selectFrom('accounts').selectAll().where('id', '=', id);
    if (!options.includeDeleted) query = query.where('deleted_at', 'is', null);
    const row = await query.executeTakeFirst();
    return row && toAccount(row);
  }

  async get(id: AccountId): Promise<Account> {
    const account = await this.findById(id, { includeDeleted: true });
    if (!account) throw new Error(`account ${id} vanished`);
    return account;
  }

  async list(options: { cursor?: string; limit: number }): Promise<Page<Account>> {
    let query = this.database.db.selectFrom('accounts').selectAll().where('deleted_at', 'is', null);
    if (options.cursor) {
      const [afterId] = decodeCursor(options.cursor, ['number']);
      query = query.where('id', '>', afterId as number);
    }
    const rows = await query.orderBy('id', 'asc').limit(options.limit + 1).execute();
    return toPage(rows, options.limit, toAccount, (row) => [toNumber(row.id)]);
  }

  /** Every live account, for the reconciler (a few hundred at most). */
  async listLive(): Promise<Account[]> {
    const rows = await this.database.db.selectFrom('accounts').selectAll().where('deleted_at', 'is', null).execute();
    return rows.map(toAccount);
  }

  /** How many live accounts there are of each type and status (metrics). */
  async countByStatus(): Promise<{ type: string; status: string; count: number }[]> {
    const rows = await this.database.db
      .selectFrom('accounts')
      .select(['type', 'status', (eb) => eb.fn.countAll().as('count')])
      .where('deleted_at', 'is', null)
      .groupBy(['type', 'status'])
      .execute();
    return rows.map((row) => ({ type: row.type, status: row.status, count: Number(row.count) }));
  }

  async findBySecretLookup(lookup: string): Promise<Account | undefined> {
    const row = await this.database.db
      .selectFrom('accounts')
      .selectAll()
      .where('secret_lookup', '=', lookup)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row && toAccount(row);
  }

  /** The account's secret in the clear; throws when it cannot be opened (another SECRET_KEY, another row's value). */
  async secretOf(id: AccountId): Promise<string | null> {
    const row = await this.database.db.selectFrom('accounts').select('secret').where('id', '=', id).executeTakeFirst();
    return row?.secret ? this.box().openText(row.secret, accountSecretField(id)) : null;
  }

  private box(): SecretBox {
    if (!this.secrets) throw new Error('this AccountRepository was made without a SecretBox: it cannot handle secrets');
    return this.secrets;
  }

  async update(id: AccountId, changes: AccountChanges, executor: Executor = this.database.db): Promise<void> {
    await executor
      .updateTable('accounts')
      .set({
        ...(changes.title !== undefined && { title: changes.title }),
        ...(changes.settings !== undefined && { settings: JSON.stringify(changes.settings) }),
        ...(changes.desiredState !== undefined && { desired_state: changes.desiredState }),
        ...(changes.externalId !== undefined && { external_id: changes.externalId }),
        ...(changes.username !== undefined && { username: changes.username }),
        ...(changes.phone !== undefined && { phone: changes.phone }),
        ...(changes.secret !== undefined && { secret: changes.secret && this.box().seal(changes.secret, accountSecretField(id)) }),
        ...(changes.secretLookup !== undefined && { secret_lookup: changes.secretLookup }),
        updated_at: Date.now(),
      })
      .where('id', '=', id)
      .execute();
  }

  /** Records a status; returns false when nothing changed, so callers publish only real changes. */
  /** `executor`: a fenced transaction when a worker reports its channel's status (see fencing.ts). */
  async setStatus(id: AccountId, change: StatusChange, executor: Executor = this.database.db): Promise<boolean> {
    const until = change.until?.getTime() ?? null;
    const done = change.historyImport?.done ?? null;
    const total = change.historyImport?.total ?? null;
    const current = await executor
      .selectFrom('accounts')
      .select(['status', 'status_reason', 'status_until', 'history_import_done', 'history_import_total'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!current) return false;
    const same =
      current.status === change.status &&
      current.status_reason === change.reason &&
      toNumberOrNull(current.status_until) === until &&
      toNumberOrNull(current.history_import_done) === done &&
      toNumberOrNull(current.history_import_total) === total;
    if (same) return false;
    await executor
      .updateTable('accounts')
      .set({
        status: change.status,
        status_reason: change.reason,
        status_until: until,
        history_import_done: done,
        history_import_total: total,
        updated_at: Date.now(),
      })
      .where('id', '=', id)
      .execute();
    return true;
  }

  /** One more update skipped for good; a single statement, so concurrent webhook requests do not lose a count. */
  async countSkippedUpdate(id: AccountId): Promise<void> {
    await this.database.db
      .updateTable('accounts')
      .set({ skipped_updates: sql<number>`skipped_updates + 1` })
      .where('id', '=', id)
      .execute();
  }

  async softDelete(id: AccountId, executor: Executor = this.database.db): Promise<void> {
    const now = Date.now();
    await executor
      .updateTable('accounts')
      .set({ deleted_at: now, desired_state: 'stopped', secret: null, secret_lookup: null, updated_at: now })
      .where('id', '=', id)
      .execute();
  }
}
