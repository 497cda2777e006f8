// After a start (or, on a worker, when it takes an account's lease), the database says what work was
// interrupted: re-enqueue it. Sends caught mid-flight by a crash are resent only when their channel recognises
// a repeat; otherwise a person decides (DECISIONS.md).
import type { AccountType } from '../domain/account.js';
import type { AccountId } from '../domain/ids.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Logger } from '../log.js';
import type { AccountRepository } from '../store/accounts.js';
import type { ChatRepository } from '../store/chats.js';
import type { Database } from '../store/db.js';
import type { MediaRepository } from '../store/media.js';
import { AccountWrites } from '../store/fencing.js';
import type { MessageRepository } from '../store/messages.js';
import type { ChannelFactories } from '../channels/factory.js';

interface Deps {
  database: Database;
  accounts: AccountRepository;
  chats: ChatRepository;
  messages: MessageRepository;
  media: MediaRepository;
  jobs: JobQueue;
  factories: ChannelFactories;
  logger: Logger;
  /** A worker recovers an account under its fence (the one who ran it before may still be writing). */
  writes?: AccountWrites;
}

/** Recovers every account's work (the embedded process at start), or one account's (a worker taking its lease). */
export async function recoverInterruptedWork(deps: Deps, accountId?: AccountId): Promise<void> {
  const { database, messages, media, logger } = deps;
  const writes = deps.writes ?? new AccountWrites(database);
  let resent = 0;
  let failed = 0;
  for (const id of await messages.idsWithStatus('sending', accountId)) {
    const message = await messages.findById(database.db, id);
    const chat = message && (await deps.chats.findById(database.db, message.chatId));
    const account = chat && (await deps.accounts.findById(chat.accountId, { includeDeleted: true }));
    if (!account) continue;
    const resend = deps.factories[account.type as AccountType]?.idempotentSend === true;
    await writes.run(account.id, async (executor) => {
      if (resend) return void (await messages.setStatus(id, 'pending', 'resent after a restart', ['sending'], executor));
      const reason = 'unknown_after_restart: Parley stopped while sending; it may or may not have been delivered — retry if it was not';
      if (await messages.setStatus(id, 'failed', reason, ['sending'], executor)) {
        await messages.recordAttempt(id, { status: 'failed', error: reason, retryAt: null }, executor);
      }
    });
    if (resend) resent += 1;
    else failed += 1;
  }
  for (const id of await media.idsWithStatus(['downloading'], accountId)) await media.transition(id, ['downloading'], 'pending');
  const { sends, downloads } = await requeuePendingWork(deps, accountId);
  if (resent + failed + sends + downloads > 0) logger.info({ resent, failed, sends, downloads, accountId }, 'recovered interrupted work');
}

/**
 * Enqueues every pending send and download. Harmless when their jobs already wait (keys de-duplicate them);
 * run now and then, it also heals a job lost between a commit and its enqueue (e.g. Redis briefly away).
 */
export async function requeuePendingWork(
  deps: Pick<Deps, 'messages' | 'media' | 'jobs'>,
  accountId?: AccountId,
): Promise<{ sends: number; downloads: number }> {
  const pending = await deps.messages.pendingIds(accountId);
  for (const id of pending) await deps.jobs.enqueue('message.send', { messageId: id }, { key: `send:${id}` });
  const downloads = await deps.media.pendingIds(accountId);
  for (const id of downloads) await deps.jobs.enqueue('media.download', { mediaId: id }, { key: `media:${id}` });
  return { sends: pending.length, downloads: downloads.length };
}
