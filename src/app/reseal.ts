// Secrets sealed before they were bound to their rows (SecretBox v1) are sealed again for their rows at start.
// It needs SECRET_KEY, which migrations do not have; it is idempotent, and a value written meanwhile is kept.
import { authKeyField } from '../channels/telegram-user/storage/auth-keys.js';
import { kvField } from '../channels/telegram-user/storage/kv.js';
import type { SessionTables } from '../channels/telegram-user/storage/tables.js';
import type { Logger } from '../log.js';
import type { SealedField, SecretBox } from '../security/secret-box.js';
import { accountSecretField } from '../store/accounts.js';
import type { Database } from '../store/db.js';
import { toNumber } from '../store/rows.js';

const LEGACY = 'v1.%';

export async function resealLegacySecrets(database: Database, secrets: SecretBox, logger: Logger): Promise<void> {
  const { db } = database;
  const session = db.withTables<SessionTables>();
  const tally = { resealed: 0, unreadable: 0 };
  /** The new value, or null when the old one does not open (another SECRET_KEY): it is left as it is. */
  const reseal = (sealed: string, field: SealedField): string | null => {
    try {
      const fresh = secrets.reseal(sealed, field);
      if (fresh) tally.resealed += 1;
      return fresh;
    } catch {
      tally.unreadable += 1;
      return null;
    }
  };

  for (const row of await db.selectFrom('accounts').select(['id', 'secret']).where('secret', 'like', LEGACY).execute()) {
    const sealed = row.secret && reseal(row.secret, accountSecretField(toNumber(row.id)));
    if (!sealed) continue;
    await db.updateTable('accounts').set({ secret: sealed }).where('id', '=', row.id).where('secret', '=', row.secret).execute();
  }
  const keys = await session.selectFrom('mtproto_auth_keys').select(['account_id', 'dc', 'idx', 'auth_key']).where('auth_key', 'like', LEGACY).execute();
  for (const row of keys) {
    const sealed = reseal(row.auth_key, authKeyField(toNumber(row.account_id), toNumber(row.dc), toNumber(row.idx)));
    if (!sealed) continue;
    await session
      .updateTable('mtproto_auth_keys')
      .set({ auth_key: sealed })
      .where('account_id', '=', row.account_id)
      .where('dc', '=', row.dc)
      .where('idx', '=', row.idx)
      .where('auth_key', '=', row.auth_key)
      .execute();
  }
  for (const row of await session.selectFrom('mtproto_kv').select(['account_id', 'key', 'value']).where('value', 'like', LEGACY).execute()) {
    const sealed = reseal(row.value, kvField(toNumber(row.account_id), row.key));
    if (!sealed) continue;
    await session
      .updateTable('mtproto_kv')
      .set({ value: sealed })
      .where('account_id', '=', row.account_id)
      .where('key', '=', row.key)
      .where('value', '=', row.value)
      .execute();
  }
  if (tally.resealed > 0) logger.info({ resealed: tally.resealed }, 'stored secrets sealed again, bound to their rows');
  if (tally.unreadable > 0) {
    logger.error({ unreadable: tally.unreadable }, 'some stored secrets do not open with this SECRET_KEY; they were left as they are');
  }
}
