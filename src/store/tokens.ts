import type { Selectable } from 'kysely';
import type { OperatorId, TokenId } from '../domain/ids.js';
import type { Operator } from '../domain/operator.js';
import type { Database, Db, Executor } from './db.js';
import { toNumber, toNumberOrNull } from './rows.js';
import { toOperator } from './operators.js';
import type { OperatorsTable } from './schema.js';

/** `api`: Authorization header; `session`: the web app's cookie; `ticket`: one WebSocket connection. */
export type TokenKind = 'api' | 'session' | 'ticket';

export interface StoredToken {
  id: TokenId;
  kind: TokenKind;
  operator: Operator;
  lastUsedAt: number | null;
  /** Epoch ms; null for tokens that live until revoked. */
  expiresAt: number | null;
}

/** Tokens are looked up by hash only; the plaintext is never stored. */
export class TokenRepository {
  constructor(private readonly database: Database) {}

  private get db(): Db {
    return this.database.db;
  }

  async insert(token: {
    operatorId: OperatorId;
    kind: TokenKind;
    tokenHash: string;
    name: string | null;
    expiresAt: number | null;
  }): Promise<TokenId> {
    const result = await this.db
      .insertInto('api_tokens')
      .values({
        operator_id: token.operatorId,
        kind: token.kind,
        token_hash: token.tokenHash,
        name: token.name,
        created_at: Date.now(),
        expires_at: token.expiresAt,
      })
      .executeTakeFirstOrThrow();
    return Number(result.insertId) as TokenId;
  }

  /** A token that is not revoked, not expired, and belongs to an active operator. */
  async findUsable(tokenHash: string, now: number): Promise<StoredToken | undefined> {
    return this.findUsableWhere('token_hash', tokenHash, now);
  }

  /** The same check by id (the token a WebSocket ticket was issued from). */
  async findUsableById(id: TokenId, now: number): Promise<StoredToken | undefined> {
    return this.findUsableWhere('id', id, now);
  }

  private async findUsableWhere(column: 'token_hash' | 'id', value: string | number, now: number): Promise<StoredToken | undefined> {
    const row = await this.db
      .selectFrom('api_tokens as t')
      .innerJoin('operators as o', 'o.id', 't.operator_id')
      .selectAll('o')
      .select(['t.id as token_id', 't.kind as token_kind', 't.last_used_at as token_last_used_at', 't.expires_at as token_expires_at'])
      .where(`t.${column}`, '=', value)
      .where('t.revoked_at', 'is', null)
      .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', now)]))
      .where('o.is_active', '=', 1)
      .where('o.deleted_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      id: toNumber(row.token_id) as TokenId,
      kind: row.token_kind as TokenKind,
      operator: toOperator(row as Selectable<OperatorsTable>),
      lastUsedAt: toNumberOrNull(row.token_last_used_at),
      expiresAt: toNumberOrNull(row.token_expires_at),
    };
  }

  async touch(id: TokenId, now: number): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute();
  }

  /** Revokes a token; false when it was already revoked (a single-use ticket redeemed twice). */
  async revoke(id: TokenId): Promise<boolean> {
    const result = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: Date.now() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async revokeAllOf(operatorId: OperatorId, executor: Executor = this.db): Promise<void> {
    await executor
      .updateTable('api_tokens')
      .set({ revoked_at: Date.now() })
      .where('operator_id', '=', operatorId)
      .where('revoked_at', 'is', null)
      .execute();
  }
}
