// mtcute's key-value entries for one account. Everything but the update state is sealed and written at once;
// writes of the update state (`updates_*`) wait behind the gate, in order (see index.ts for why).
import type { IKeyValueRepository } from '@mtcute/core';
import type { Logger } from '../../../log.js';
import type { SealedField } from '../../../security/secret-box.js';
import type { SessionContext } from './tables.js';
import { orUpdate } from '../../../store/upsert.js';

/** Decides when a write of mtcute's update state may reach the database. */
export interface UpdateStateGate {
  /**
   * Taken when mtcute writes its update state: resolves true once every update dispatched before this call
   * is durable in our database, false when one of them will not be (then the write is dropped).
   */
  checkpoint(): Promise<boolean>;
}

/** For clients whose updates nobody ingests (a login in progress): their update state is never saved. */
export const NO_UPDATE_STATE: UpdateStateGate = { checkpoint: async () => false };

export function isUpdateState(key: string): boolean {
  return key.startsWith('updates_');
}

export class SessionKeyValue implements IKeyValueRepository {
  /** Every entry of the account, as mtcute last wrote it (the update state may be ahead of the database). */
  private readonly entries = new Map<string, Uint8Array>();
  private stateWrites: Promise<void> = Promise.resolve();
  /** Bumped by deleteAll, so update-state writes queued before it never land after it. */
  private generation = 0;
  private dropped = 0;

  constructor(
    private readonly context: SessionContext,
    private readonly gate: UpdateStateGate,
    private readonly logger: Logger,
  ) {}

  async load(): Promise<void> {
    const { db, accountId, secrets } = this.context;
    const rows = await db.selectFrom('mtproto_kv').select(['key', 'value']).where('account_id', '=', accountId).execute();
    this.entries.clear();
    for (const row of rows) {
      const bytes = isUpdateState(row.key) ? Buffer.from(row.value, 'base64') : secrets.open(row.value, kvField(accountId, row.key));
      this.entries.set(row.key, new Uint8Array(bytes));
    }
  }

  get(key: string): Uint8Array | null {
    return this.entries.get(key) ?? null;
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    this.entries.set(key, value);
    if (!isUpdateState(key)) return this.write(key, value);
    // taken now, synchronously: it covers exactly the updates mtcute dispatched before this write
    const ticket = this.gate.checkpoint();
    const generation = this.generation;
    this.stateWrites = this.stateWrites
      .then(async () => {
        if (!(await ticket) || generation !== this.generation) {
          this.dropped += 1;
          return;
        }
        await this.write(key, value);
      })
      .catch((error: unknown) => this.logger.warn({ err: error, key }, 'update state not saved; catch-up will repeat updates'));
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
    const { accountId } = this.context;
    await this.context.write((db) => db.deleteFrom('mtproto_kv').where('account_id', '=', accountId).where('key', '=', key).execute());
  }

  async deleteAll(): Promise<void> {
    this.entries.clear();
    this.generation += 1;
    const { accountId } = this.context;
    await this.context.write((db) => db.deleteFrom('mtproto_kv').where('account_id', '=', accountId).execute());
  }

  /** Resolves once every queued update-state write has landed or been dropped. */
  settled(): Promise<void> {
    return this.stateWrites;
  }

  /** How many update-state writes the gate held back for good (for logs and tests). */
  get droppedWrites(): number {
    return this.dropped;
  }

  private async write(key: string, value: Uint8Array): Promise<void> {
    const { dialect, accountId, secrets } = this.context;
    const stored = isUpdateState(key) ? Buffer.from(value).toString('base64') : secrets.seal(value, kvField(accountId, key));
    const row = { account_id: accountId, key, value: stored, updated_at: Date.now() };
    const change = { value: stored, updated_at: row.updated_at };
    await this.context.write((db) => orUpdate(dialect, db.insertInto('mtproto_kv').values(row), ['account_id', 'key'], change).execute());
  }
}

/** The row a sealed key-value entry belongs to (its primary key). */
export function kvField(accountId: number, key: string): SealedField {
  return { table: 'mtproto_kv', column: 'value', id: `${accountId}/${key}` };
}
