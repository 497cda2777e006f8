// The retention job: deletes messages older than the configured number of days, with their media files.
// Exactly what is older than the cutoff goes, in batches, and each run is written to the audit log.
import { addressOf, type BlobStore } from '../blobs/store.js';
import type { Logger } from '../log.js';
import type { AuditLog } from '../store/audit.js';
import type { ChatRepository } from '../store/chats.js';
import type { Database } from '../store/db.js';
import type { MediaRepository } from '../store/media.js';
import type { MessageRepository } from '../store/messages.js';
import { inTransaction } from '../store/transaction.js';
import type { SettingsService } from './settings.js';

const DAY_MS = 24 * 3600_000;
const BATCH = 500;

interface Deps {
  database: Database;
  messages: MessageRepository;
  media: MediaRepository;
  chats: ChatRepository;
  settings: SettingsService;
  audit: AuditLog;
  blobs: BlobStore;
  logger: Logger;
}

export class RetentionJob {
  constructor(private readonly deps: Deps) {}

  /** Returns how many messages were deleted (0 when retention is off). */
  async run(now = Date.now()): Promise<number> {
    const { retentionDays } = await this.deps.settings.current();
    if (retentionDays === null) return 0;
    const cutoff = now - retentionDays * DAY_MS;
    let deleted = 0;
    let files = 0;
    for (;;) {
      const ids = await this.deps.messages.idsSentBefore(cutoff, BATCH);
      if (ids.length === 0) break;
      const hashes = await inTransaction(this.deps.database, async (trx) => {
        const shas = await this.deps.media.hashesOf(trx, ids);
        const chatIds = await this.deps.messages.deleteForGood(trx, ids);
        await this.deps.chats.refreshLastMessage(trx, chatIds);
        return shas;
      });
      files += await this.removeUnusedFiles(hashes);
      deleted += ids.length;
    }
    if (deleted > 0) {
      const details = { retention_days: retentionDays, cutoff: new Date(cutoff).toISOString(), messages: deleted, files };
      await this.deps.audit.record({ actorId: null, action: 'retention.cleanup', details });
      this.deps.logger.info(details, 'retention cleanup deleted old messages');
    }
    return deleted;
  }

  /** A file stays while any remaining media row points at it (files are shared by content). */
  private async removeUnusedFiles(hashes: string[]): Promise<number> {
    let removed = 0;
    for (const sha256 of hashes) {
      if (await this.deps.media.isReferenced(this.deps.database.db, sha256)) continue;
      await this.deps.blobs.remove(addressOf(sha256));
      removed += 1;
    }
    return removed;
  }
}
