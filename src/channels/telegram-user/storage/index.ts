// mtcute's storage (ITelegramStorageProvider) on Parley's database, one account per instance.
//
// Durability of the update state. mtcute dispatches updates to its listeners without awaiting them and then
// saves its update state (pts, qts, date, seq, channel pts: the `updates_*` keys) after each batch. Saved
// as mtcute writes it, a crash between the save and the end of our ingest would skip the update for good:
// the next catch-up starts after it. So the connector pushes every dispatched update into one ordered ingest
// queue, synchronously, inside mtcute's dispatch — before mtcute can save the state that covers it — and this
// storage holds each `updates_*` write back behind a checkpoint of that queue taken at the moment of the write:
//
//   dispatch u1, u2 ─► queue [u1, u2]      set(updates_pts = 12) ─► ticket = "u1 and u2 committed"
//   ingest commits u1, u2 ──────────────► ticket resolves true ──► pts 12 written
//   ingest of u3 fails ─────────────────► every later ticket resolves false ──► those writes are dropped
//
// A failed ingest therefore leaves the stored state before the failed update, and the next start fetches it
// again through getDifference (ingest is idempotent, so what was stored after it comes again harmlessly).
// The writes wait in order, off mtcute's path (`set` returns at once; mtcute keeps its own copy in memory),
// and `destroy` waits for them, so a restarted client reads what was acknowledged. Everything else follows
// mtcute's rules: auth keys are sealed and written at once, other key-value entries are sealed and written
// at once, peers are collected and written together on `save()`.
import type { IStorageDriver, ITelegramStorageProvider } from '@mtcute/core';
import type { AccountId } from '../../../domain/ids.js';
import type { Logger } from '../../../log.js';
import type { SecretBox } from '../../../security/secret-box.js';
import type { Database } from '../../../store/db.js';
import type { AccountWrites } from '../../../store/fencing.js';
import { SessionAuthKeys } from './auth-keys.js';
import { SessionKeyValue, type UpdateStateGate } from './kv.js';
import { SessionPeers } from './peers.js';
import { SessionRefMessages } from './ref-messages.js';
import { sessionContext } from './tables.js';

export { NO_UPDATE_STATE, type UpdateStateGate } from './kv.js';
export { deleteSession } from './tables.js';

export interface SessionStorageOptions {
  database: Database;
  accountId: AccountId;
  secrets: SecretBox;
  gate: UpdateStateGate;
  logger: Logger;
  /** Fences the session's writes (workers); unfenced when left out. */
  writes?: AccountWrites;
}

export class SessionStorage implements ITelegramStorageProvider {
  readonly kv: SessionKeyValue;
  readonly authKeys: SessionAuthKeys;
  readonly peers: SessionPeers;
  readonly refMessages: SessionRefMessages;
  readonly driver: IStorageDriver;

  constructor(options: SessionStorageOptions) {
    const context = sessionContext(options.database, options.accountId, options.secrets, options.writes);
    this.kv = new SessionKeyValue(context, options.gate, options.logger);
    this.authKeys = new SessionAuthKeys(context);
    this.peers = new SessionPeers(context);
    this.refMessages = new SessionRefMessages(context);
    let loading: Promise<void> | undefined;
    this.driver = {
      // mtcute may call load more than once; the entries are read the first time only
      load: () => (loading ??= this.kv.load()),
      save: () => this.peers.flush(),
      destroy: async () => {
        await this.peers.flush();
        await this.kv.settled();
      },
    };
  }

  /** Resolves once every update-state write queued so far has landed or been dropped. */
  settled(): Promise<void> {
    return this.kv.settled();
  }
}
