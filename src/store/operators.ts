import type { Selectable, Transaction } from 'kysely';
import type { OperatorId } from '../domain/ids.js';
import type { Operator, Role } from '../domain/operator.js';
import { decodeCursor, toPage, type Page } from './cursor.js';
import type { Database, Db, Executor } from './db.js';
import { flag, toDate, toDateOrNull, toFlag, toNumber, toNumberOrNull } from './rows.js';
import type { OperatorsTable, Schema } from './schema.js';

type Row = Selectable<OperatorsTable>;

export interface NewOperator {
  username: string;
  displayName: string;
  passwordHash: string;
  role: Role;
  maxActiveChats: number | null;
  isActive: boolean;
}

export type OperatorChanges = Partial<NewOperator>;

export function toOperator(row: Row): Operator {
  return {
    id: toNumber(row.id) as OperatorId,
    username: row.username,
    displayName: row.display_name,
    role: row.role as Role,
    maxActiveChats: toNumberOrNull(row.max_active_chats),
    isActive: toFlag(row.is_active),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    lastLoginAt: toDateOrNull(row.last_login_at),
  };
}

/** Operators are soft-deleted: their history stays, their username is freed. */
export class OperatorRepository {
  constructor(private readonly database: Database) {}

  private get db(): Db {
    return this.database.db;
  }

  async insert(operator: NewOperator, executor: Executor = this.db): Promise<Operator> {
    const now = Date.now();
    const result = await executor
      .insertInto('operators')
      .values({
        username: operator.username,
        deleted_id: 0,
        display_name: operator.displayName,
        password_hash: operator.passwordHash,
        role: operator.role,
        max_active_chats: operator.maxActiveChats,
        is_active: flag(operator.isActive),
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow();
    const created = await this.findById(Number(result.insertId) as OperatorId, executor);
    if (!created) throw new Error('inserted operator not found');
    return created;
  }

  async findById(id: OperatorId, executor: Executor = this.db): Promise<Operator | undefined> {
    const row = await executor
      .selectFrom('operators')
      .selectAll()
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return row && toOperator(row);
  }

  /** For login: the operator and his password hash (never leaves app/). */
  async findCredentials(username: string): Promise<{ operator: Operator; passwordHash: string } | undefined> {
    const row = await this.db
      .selectFrom('operators')
      .selectAll()
      .where('username', '=', username)
      .where('deleted_id', '=', 0)
      .executeTakeFirst();
    return row && { operator: toOperator(row), passwordHash: row.password_hash };
  }

  async usernameTaken(username: string, executor: Executor = this.db): Promise<boolean> {
    const row = await executor
      .selectFrom('operators')
      .select('id')
      .where('username', '=', username)
      .where('deleted_id', '=', 0)
      .executeTakeFirst();
    return row !== undefined;
  }

  async list(options: { cursor?: string; limit: number; includeInactive: boolean }): Promise<Page<Operator>> {
    let query = this.db.selectFrom('operators').selectAll().where('deleted_at', 'is', null);
    if (!options.includeInactive) query = query.where('is_active', '=', 1);
    if (options.cursor) {
      const [afterId] = decodeCursor(options.cursor, ['number']);
      query = query.where('id', '>', afterId as number);
    }
    const rows = await query.orderBy('id', 'asc').limit(options.limit + 1).execute();
    return toPage(rows, options.limit, toOperator, (row) => [toNumber(row.id)]);
  }

  /** Every operator not deleted, active or not, by id: names for the assignments and messages they left behind. */
  async listAll(): Promise<Operator[]> {
    const rows = await this.db.selectFrom('operators').selectAll().where('deleted_at', 'is', null).orderBy('id').execute();
    return rows.map(toOperator);
  }

  /** Every active operator (a team is at most a few thousand people). */
  async listAllActive(): Promise<Operator[]> {
    const rows = await this.db
      .selectFrom('operators')
      .selectAll()
      .where('is_active', '=', 1)
      .where('deleted_at', 'is', null)
      .orderBy('id')
      .execute();
    return rows.map(toOperator);
  }

  async update(id: OperatorId, changes: OperatorChanges, executor: Executor = this.db): Promise<void> {
    await executor
      .updateTable('operators')
      .set({
        ...(changes.username !== undefined && { username: changes.username }),
        ...(changes.displayName !== undefined && { display_name: changes.displayName }),
        ...(changes.passwordHash !== undefined && { password_hash: changes.passwordHash }),
        ...(changes.role !== undefined && { role: changes.role }),
        ...(changes.maxActiveChats !== undefined && { max_active_chats: changes.maxActiveChats }),
        ...(changes.isActive !== undefined && { is_active: flag(changes.isActive) }),
        updated_at: Date.now(),
      })
      .where('id', '=', id)
      .execute();
  }

  async softDelete(id: OperatorId, executor: Executor = this.db): Promise<void> {
    const now = Date.now();
    await executor
      .updateTable('operators')
      .set({ deleted_id: id, deleted_at: now, is_active: 0, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  async recordLogin(id: OperatorId): Promise<void> {
    await this.db.updateTable('operators').set({ last_login_at: Date.now() }).where('id', '=', id).execute();
  }

  /**
   * Ids of the active admins, locking their rows on MySQL so two concurrent demotions cannot both
   * see "another admin remains" (SQLite serializes write transactions already).
   */
  async lockActiveAdminIds(executor: Transaction<Schema>): Promise<OperatorId[]> {
    let query = executor
      .selectFrom('operators')
      .select('id')
      .where('role', '=', 'admin')
      .where('is_active', '=', 1)
      .where('deleted_at', 'is', null);
    if (this.database.dialect === 'mysql') query = query.forUpdate();
    const rows = await query.execute();
    return rows.map((row) => toNumber(row.id) as OperatorId);
  }

  /**
   * Operators who can take chats automatically (role operator, active), locking their rows on MySQL so
   * concurrent auto-assignments cannot overfill a limit.
   */
  async lockAssignable(executor: Transaction<Schema>): Promise<{ id: OperatorId; maxActiveChats: number | null; lastAssignedAt: number | null }[]> {
    let query = executor
      .selectFrom('operators')
      .select(['id', 'max_active_chats', 'last_assigned_at'])
      .where('role', '=', 'operator')
      .where('is_active', '=', 1)
      .where('deleted_at', 'is', null);
    if (this.database.dialect === 'mysql') query = query.forUpdate();
    const rows = await query.execute();
    return rows.map((row) => ({
      id: toNumber(row.id) as OperatorId,
      maxActiveChats: toNumberOrNull(row.max_active_chats),
      lastAssignedAt: toNumberOrNull(row.last_assigned_at),
    }));
  }

  /** Reads one operator for an assignment, locking his row on MySQL until the transaction ends. */
  async lockForAssignment(executor: Transaction<Schema>, id: OperatorId): Promise<Operator | undefined> {
    let query = executor.selectFrom('operators').selectAll().where('id', '=', id).where('deleted_at', 'is', null);
    if (this.database.dialect === 'mysql') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row && toOperator(row);
  }

  async markAssigned(executor: Executor, id: OperatorId): Promise<void> {
    await executor.updateTable('operators').set({ last_assigned_at: Date.now() }).where('id', '=', id).execute();
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('operators')
      .select((eb) => eb.fn.countAll().as('count'))
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }
}
