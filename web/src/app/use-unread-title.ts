import { useEffect, useMemo, useRef } from 'react';
import { useChats } from '../features/chats/api/get-chats';
import { useUnread } from '../features/chats/api/get-unread';
import { alertNewMessage } from '../lib/alerts';
import { useI18n } from '../lib/i18n';

/**
 * The tab's title counts the unread messages in all my chats, e.g. "(3) Parley" (the server's count, asked again
 * after chat frames), and a chat of mine whose count grows raises an alert (when the operator turned alerts on),
 * unless it is open before his eyes.
 */
export function useUnreadTitle(openChatId: number | null = null): void {
  const { t } = useI18n();
  const mine = useChats('mine');
  // the loaded pages of my chats (the first holds the newest activity, where new messages land)
  const chats = useMemo(() => mine.data?.pages.flatMap((page) => page.results), [mine.data]);
  const unread = useUnread().data?.messages ?? 0;
  const name = t('app.name');
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) ${name}` : name;
    return () => {
      document.title = name;
    };
  }, [unread, name]);

  const seen = useRef<Map<number, number> | null>(null);
  useEffect(() => {
    if (!chats) return;
    const before = seen.current;
    seen.current = new Map(chats.map((chat) => [chat.id, chat.unread_count]));
    if (!before) return; // the first answer is what was already there
    const grown = chats.find(
      (chat) => chat.unread_count > (before.get(chat.id) ?? 0) && !(chat.id === openChatId && document.hasFocus()),
    );
    if (grown) alertNewMessage(t('alerts.title', { title: grown.title }), grown.last_message?.text ?? '');
  }, [chats, t, openChatId]);
}
