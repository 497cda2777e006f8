import type { OperatorId } from '../domain/ids.js';
import { decodeCursor, toPage, type Page } from './cursor.js';
import type { Database, Executor } from './db.js';
import { toDate, toNumber, toNumberOrNull } from './rows.js';

export interface AuditEntry {
  actorId: OperatorId | null;
  action: string;
  targetType?: string;
  targetId?: string | number;
  ip?: string;
  details?: Record<string, unknown>;
}

export interface AuditRecord {
  id: number;
  at: Date;
  actorId: OperatorId | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  details: Record<string, unknown> | null;
}

/** Append-only record of who did what. Details never hold secrets or passwords. */
export class AuditLog {
  constructor(private readonly database: Database) {}

  async record(entry: AuditEntry, executor: Executor = this.database.db): Promise<void> {
    await executor
      .insertInto('audit_log')
      .values({
        at: Date.now(),
        actor_operator_id: entry.actorId,
        action: entry.action,
        target_type: entry.targetType ?? null,
        target_id: entry.targetId === undefined ? null : String(entry.targetId),
        ip: entry.ip ?? null,
        details: entry.details ? JSON.stringify(entry.details) : null,
      })
      .execute();
  }

  /** Newest first. */
  async list(options: { cursor?: string; limit: number; action?: string }): Promise<Page<AuditRecord>> {
    let query = this.database.db.selectFrom('audit_log').selectAll();
    if (options.action) query = query.where('action', '=', options.action);
    if (options.cursor) {
      const [beforeId] = decodeCursor(options.cursor, ['number']);
      query = query.where('id', '<', beforeId as number);
    }
    const rows = await query.orderBy('id', 'desc').limit(options.limit + 1).execute();
    return toPage(
      rows,
      options.limit,
      (row) => ({
        id: toNumber(row.id),
        at: toDate(row.at),
        actorId: toNumberOrNull(row.actor_operator_id) as OperatorId | null,
        action: row.action,
        targetType: row.target_type,
        targetId: row.target_id,
        ip: row.ip,
        details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
      }),
      (row) => [toNumber(row.id)],
    );
  }
}
