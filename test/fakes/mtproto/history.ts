// Reading what is already on the server: the dialog list and each chat's history (history import).
import type { tl } from '@mtcute/core';
import type { HandlerTable } from './handlers.js';
import type { TelegramState } from './state.js';

type Listing = { users: tl.TypeUser[]; chats: tl.TypeChat[] };

function peersFor(state: TelegramState, messages: tl.RawMessage[]): Listing {
  const userIds = new Set<number>();
  const chatIds = new Set<number>();
  for (const message of messages) {
    const { userIds: u, chatIds: c } = state.peersOf(message);
    u.forEach((id) => userIds.add(id));
    c.forEach((id) => chatIds.add(id));
  }
  return { users: state.usersById([...userIds]), chats: state.chatsById([...chatIds]) };
}

function dialogOf(state: TelegramState, top: tl.RawMessage): tl.RawDialog {
  const marks = state.readMarks(top.peerId);
  const unread = state.history(top.peerId).filter((m) => !m.out && m.id > marks.inbox).length;
  return {
    _: 'dialog',
    peer: top.peerId,
    topMessage: top.id,
    readInboxMaxId: marks.inbox,
    readOutboxMaxId: marks.outbox,
    unreadCount: unread,
    unreadMentionsCount: 0,
    unreadReactionsCount: 0,
    unreadPollVotesCount: 0,
    notifySettings: { _: 'peerNotifySettings' },
  };
}

/** Newest first, starting below `offsetId` (0: from the newest), shifted by `addOffset`, as Telegram pages. */
function page(list: tl.RawMessage[], req: tl.messages.RawGetHistoryRequest): tl.RawMessage[] {
  const newestFirst = [...list].sort((a, b) => b.id - a.id);
  const below = req.offsetId === 0 ? 0 : newestFirst.findIndex((m) => m.id < req.offsetId);
  const start = Math.max(0, (below === -1 ? newestFirst.length : below) + req.addOffset);
  return newestFirst
    .slice(start, start + req.limit)
    .filter((m) => (req.minId === 0 || m.id > req.minId) && (req.maxId === 0 || m.id < req.maxId));
}

export function historyHandlers(state: TelegramState): HandlerTable {
  return {
    'messages.getDialogs': (req) => {
      const tops = [...state.messages.values()]
        .flatMap((list) => list.at(-1) ?? [])
        .sort((a, b) => b.id - a.id)
        .filter((m) => req.offsetId === 0 || m.id < req.offsetId);
      const slice = tops.slice(0, req.limit);
      return {
        _: 'messages.dialogsSlice',
        count: tops.length,
        dialogs: slice.map((top) => dialogOf(state, top)),
        messages: slice,
        ...peersFor(state, slice),
      };
    },
    'messages.getPinnedDialogs': () => ({ _: 'messages.peerDialogs', dialogs: [], messages: [], chats: [], users: [], state: state.log.state() }),
    'messages.getHistory': (req) => {
      const all = state.history(state.peerOf(req.peer));
      const messages = page(all, req);
      return { _: 'messages.messagesSlice', count: all.length, messages, topics: [], ...peersFor(state, messages) };
    },
    'messages.getMessages': (req) => {
      const ids = req.id.flatMap((input) => (input._ === 'inputMessageID' ? [input.id] : []));
      const messages = [...state.messages.values()].flat().filter((m) => ids.includes(m.id));
      return { _: 'messages.messages', messages, topics: [], ...peersFor(state, messages) };
    },
  };
}
