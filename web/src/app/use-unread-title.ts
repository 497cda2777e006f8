import { useEffect } from 'react';
import { useChats } from '../features/chats/api/get-chats';
import { useI18n } from '../lib/i18n';

/** The tab's title counts the unread messages in my chats, e.g. "(3) Parley" (the list is kept live). */
export function useUnreadTitle(): void {
  const { t } = useI18n();
  const mine = useChats('mine');
  const unread = (mine.data?.results ?? []).reduce((sum, chat) => sum + chat.unread_count, 0);
  const name = t('app.name');
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) ${name}` : name;
    return () => {
      document.title = name;
    };
  }, [unread, name]);
}
