// The account's common message box: a pts counter and every pts-carrying update, so getDifference can
// replay what a client missed.
import type { tl } from '@mtcute/core';
import type { HandlerTable } from './handlers.js';
import { unixNow } from './tl-builders.js';

interface Entry {
  pts: number;
  update: tl.TypeUpdate;
  userIds: number[];
  chatIds: number[];
}

export interface PeerLookup {
  users(ids: number[]): tl.TypeUser[];
  chats(ids: number[]): tl.TypeChat[];
}

export class UpdateLog {
  /** Real accounts never start at 0, and mtcute treats pts 0 as "no state". */
  private pts = 100;
  private readonly entries: Entry[] = [];

  constructor(private readonly peers: PeerLookup) {}

  get currentPts(): number {
    return this.pts;
  }

  /** Reserves `count` pts for one update and returns the new pts. */
  nextPts(count = 1): number {
    this.pts += count;
    return this.pts;
  }

  append(update: tl.TypeUpdate, userIds: number[], chatIds: number[]): void {
    const pts = 'pts' in update ? update.pts : undefined;
    if (pts === undefined) return;
    this.entries.push({ pts, update, userIds, chatIds });
  }

  state(): tl.updates.RawState {
    return { _: 'updates.state', pts: this.pts, qts: 0, date: unixNow(), seq: 0, unreadCount: 0 };
  }

  /** Everything after `pts`; peers are sent as they are now, as Telegram does. */
  difference(pts: number): tl.updates.TypeDifference {
    const missed = this.entries.filter((e) => e.pts > pts);
    if (missed.length === 0) return { _: 'updates.differenceEmpty', date: unixNow(), seq: 0 };
    const newMessages: tl.TypeMessage[] = [];
    const otherUpdates: tl.TypeUpdate[] = [];
    for (const { update } of missed) {
      if (update._ === 'updateNewMessage') newMessages.push(update.message);
      else otherUpdates.push(update);
    }
    return {
      _: 'updates.difference',
      newMessages,
      newEncryptedMessages: [],
      otherUpdates,
      users: this.peers.users([...new Set(missed.flatMap((e) => e.userIds))]),
      chats: this.peers.chats([...new Set(missed.flatMap((e) => e.chatIds))]),
      state: this.state(),
    };
  }
}

export function updatesHandlers(log: UpdateLog): HandlerTable {
  return {
    'updates.getState': () => log.state(),
    'updates.getDifference': (req) => log.difference(req.pts),
  };
}
