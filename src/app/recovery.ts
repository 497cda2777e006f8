// After a start, the database says what work was interrupted: re-enqueue it. Sends caught mid-flight by a
// crash are resent only when their channel recognises a repeat; otherwise a person decides (DECISIONS.md).
import type { AccountType } from '../domain/account.js';
import type { AccountId } from '../domain/ids.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Logger } from '../log.js';
import type { AccountRepository } from '../store/accounts.js';
import type { ChatRepository } from '../store/chats.js';
import type { Database } from '../store/db.js';
import type { MediaRepository } from '../store/media.js';
import type { MessageRepository } from '../store/messages.js';
import type { ChannelFactories } from './runtime.js';

interface Deps {
  database: Database;
  accounts: AccountRepository;
  chats: ChatRepository;
  messages: MessageRepository;
  media: MediaRepository;
  jobs: JobQueue;
  factories: ChannelFactories;
  logger: Logger;
}

export async function recoverInterruptedWork(deps: Deps): Promise<void> {
  const { database, messages, media, logger } = deps;
  let resent = 0;
  let failed = 0;
  for (const id of await messages.idsWithStatus('sending')) {
    const message = await messages.findById(database.db, id);
    const chat = message && (await deps.chats.findById(database.db, message.chatId));
    const account = chat && (await deps.accounts.findById(chat.accountId, { includeDeleted: true }));
    if (account && deps.factories[account.type as AccountType]?.idempotentSend) {
      await messages.setStatus(id, 'pending', 'resent after a restart', ['sending']);
      resent += 1;
    } else {
      const reason = 'unknown_after_restart: Parley stopped while sending; it may or may not have been delivered — retry if it was not';
      await messages.setStatus(id, 'failed', reason, ['sending']);
      await messages.recordAttempt(id, { status: 'failed', error: reason, retryAt: null });
      failed += 1;
    }
  }
  for (const id of await media.idsWithStatus(['downloading'])) await media.transition(id, ['downloading'], 'pending');
  const { sends, downloads } = await requeuePendingWork(deps);
  if (resent + failed + sends + downloads > 0) logger.info({ resent, failed, sends, downloads }, 'recovered interrupted work');
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
