// mtcute's auth keys for one account, sealed with SecretBox and written at once (mtcute requires it: a key
// it created and used must survive a crash, or Telegram sees a new, unauthorised session).
import type { IAuthKeysRepository } from '@mtcute/core';
import type { SealedField } from '../../../security/secret-box.js';
import type { SessionContext, SessionExecutor } from './tables.js';

/** The permanent key of a data centre; temporary keys use their index (0, 1, …). */
const PERMANENT = -1;

export class SessionAuthKeys implements IAuthKeysRepository {
  constructor(private readonly context: SessionContext) {}

  set(dc: number, key: Uint8Array | null): Promise<void> {
    return this.write(dc, PERMANENT, key, null);
  }

  get(dc: number): Promise<Uint8Array | null> {
    return this.read(dc, PERMANENT, null);
  }

  setTemp(dc: number, idx: number, key: Uint8Array | null, expires: number): Promise<void> {
    return this.write(dc, idx, key, expires);
  }

  getTemp(dc: number, idx: number, now: number): Promise<Uint8Array | null> {
    return this.read(dc, idx, now);
  }

  async deleteByDc(dc: number): Promise<void> {
    const { accountId } = this.context;
    await this.context.write((db) => db.deleteFrom('mtproto_auth_keys').where('account_id', '=', accountId).where('dc', '=', dc).execute());
  }

  async deleteAll(): Promise<void> {
    const { accountId } = this.context;
    await this.context.write((db) => db.deleteFrom('mtproto_auth_keys').where('account_id', '=', accountId).execute());
  }

  private async read(dc: number, idx: number, now: number | null): Promise<Uint8Array | null> {
    const { db, accountId, secrets } = this.context;
    const row = await db
      .selectFrom('mtproto_auth_keys')
      .select(['auth_key', 'expires_at'])
      .where('account_id', '=', accountId)
      .where('dc', '=', dc)
      .where('idx', '=', idx)
      .executeTakeFirst();
    if (!row) return null;
    if (now !== null && (row.expires_at === null || Number(row.expires_at) <= now)) return null;
    return new Uint8Array(secrets.open(row.auth_key, authKeyField(accountId, dc, idx)));
  }

  private async write(dc: number, idx: number, key: Uint8Array | null, expires: number | null): Promise<void> {
    const { accountId, secrets } = this.context;
    // one transaction either way: the fenced one, or a plain one
    await this.context.write((db) => (db.isTransaction ? replace(db) : db.transaction().execute(replace)));
    async function replace(trx: SessionExecutor): Promise<void> {
      await trx
        .deleteFrom('mtproto_auth_keys')
        .where('account_id', '=', accountId)
        .where('dc', '=', dc)
        .where('idx', '=', idx)
        .execute();
      if (key === null) return;
      await trx
        .insertInto('mtproto_auth_keys')
        .values({ account_id: accountId, dc, idx, auth_key: secrets.seal(key, authKeyField(accountId, dc, idx)), expires_at: expires })
        .execute();
    }
  }
}

/** The row a sealed auth key belongs to (its primary key). */
export function authKeyField(accountId: number, dc: number, idx: number): SealedField {
  return { table: 'mtproto_auth_keys', column: 'auth_key', id: `${accountId}/${dc}/${idx}` };
}
