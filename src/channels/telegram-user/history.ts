// The history import when an account is (re)connected after a login: the latest private chats with their last
// messages, through the same ingest as live updates (so it is idempotent), with progress on the account.
import type { TelegramClient } from '@mtcute/core/client.js';
import type { AccountSettings, HistoryImportProgress } from '../../domain/account.js';
import { externalId, type AccountId } from '../../domain/ids.js';
import type { Logger } from '../../log.js';
import type { ChannelStateRepository } from '../../store/channel-state.js';
import type { InboundEvent } from '../channel.js';
import { errorText } from './errors.js';
import { isCustomer, toInboundMessage } from './updates.js';

/** channel_state key: set when a login completed, cleared once the history import finished. */
export const HISTORY_PENDING = 'history_import_pending';

export interface HistoryLimits {
  /** How many of the latest private chats (`history_chats`, default 50; 0 turns the import off). */
  chats: number;
  /** How many of each chat's latest messages (`history_messages`, default 20). */
  messages: number;
}

export const DEFAULT_HISTORY: HistoryLimits = { chats: 50, messages: 20 };
const MAX_CHATS = 1000;
const MAX_MESSAGES = 500;

export function historyLimits(settings: AccountSettings): HistoryLimits {
  const pick = (value: unknown, fallback: number, max: number) =>
    typeof value === 'number' && Number.isInteger(value) && value >= 0 ? Math.min(value, max) : fallback;
  return {
    chats: pick(settings.history_chats, DEFAULT_HISTORY.chats, MAX_CHATS),
    messages: pick(settings.history_messages, DEFAULT_HISTORY.messages, MAX_MESSAGES),
  };
}

export interface HistoryProgress {
  chats: number;
  totalChats: number;
  messages: number;
}

export interface HistoryImport {
  limits: HistoryLimits;
  /** Stores one event; false when it was not stored (the import goes on: the next one may be fine). */
  store: (event: InboundEvent) => Promise<boolean>;
  progress: (progress: HistoryProgress) => Promise<void>;
  signal: AbortSignal;
}

export async function importHistory(tg: TelegramClient, job: HistoryImport): Promise<HistoryProgress> {
  const dialogs = [];
  if (job.limits.chats > 0) {
    for await (const dialog of tg.iterDialogs({ archived: 'keep' })) {
      job.signal.throwIfAborted();
      if (dialog.peer.type === 'user' && isCustomer(dialog.peer)) dialogs.push(dialog);
      if (dialogs.length >= job.limits.chats) break;
    }
  }
  const progress: HistoryProgress = { chats: 0, totalChats: dialogs.length, messages: 0 };
  await job.progress(progress);
  for (const dialog of dialogs) {
    job.signal.throwIfAborted();
    const history = job.limits.messages > 0 ? await tg.getHistory(dialog.peer, { limit: job.limits.messages }) : [];
    // oldest first, as they happened: the chat's last message and unread count come out right
    for (const message of [...history].reverse()) {
      job.signal.throwIfAborted();
      const inbound = toInboundMessage(message);
      if (inbound && (await job.store({ type: 'message.new', message: inbound }))) progress.messages += 1;
    }
    const chatExternalId = externalId(dialog.peer.id);
    const now = new Date();
    if (dialog.lastReadIngoing > 0) {
      await job.store({ type: 'chat.read', chatExternalId, maxExternalId: externalId(dialog.lastReadIngoing), at: now });
    }
    if (dialog.lastReadOutgoing > 0) {
      await job.store({ type: 'message.read', chatExternalId, maxExternalId: externalId(dialog.lastReadOutgoing), readAt: now });
    }
    progress.chats += 1;
    await job.progress(progress);
  }
  return progress;
}

export interface PendingImport extends Omit<HistoryImport, 'progress'> {
  state: ChannelStateRepository;
  accountId: AccountId;
  /** Shows progress on the account: its status reason, and chats done of the total (all of them once it finished). */
  report: (reason: string | null, progress?: HistoryImportProgress) => Promise<void>;
  logger: Logger;
}

/** Runs the import if a login asked for one; an interrupted or failed one runs again on the next connection. */
export async function importIfPending(tg: TelegramClient, job: PendingImport): Promise<void> {
  const { state, accountId, logger } = job;
  if ((await state.get(accountId, HISTORY_PENDING)) === null) return;
  try {
    const done = await importHistory(tg, {
      ...job,
      // the last step is told by the report below
      progress: async (p) => {
        if (p.chats < p.totalChats) await job.report(`importing history: ${p.chats} of ${p.totalChats} chats`, { done: p.chats, total: p.totalChats });
      },
    });
    await state.delete(accountId, HISTORY_PENDING);
    logger.info(done, 'history imported');
    await job.report(`history imported: ${done.chats} chats, ${done.messages} messages`, { done: done.chats, total: done.totalChats });
  } catch (error) {
    if (job.signal.aborted) return;
    logger.warn({ err: error }, 'history import failed; it runs again on the next connection');
    await job.report(`history import failed: ${errorText(error)}; it runs again on the next connection`);
  }
}
