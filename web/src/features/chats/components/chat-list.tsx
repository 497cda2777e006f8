import { Link } from 'react-router';
import type { Chat } from '../../../api/types';
import { ErrorMessage } from '../../../components/ui/error-message';
import { useI18n, type Translate } from '../../../lib/i18n';
import { useChats, type ChatTab } from '../api/get-chats';

export function ChatList({ tab, openChatId }: { tab: ChatTab; openChatId: number | null }) {
  const { t, time } = useI18n();
  const chats = useChats(tab);
  if (chats.error) return <ErrorMessage error={chats.error} onRetry={() => void chats.refetch()} />;
  if (!chats.data) return <p className="muted">{t('app.loading')}</p>;
  if (chats.data.results.length === 0) return <p className="muted">{t('chats.empty')}</p>;
  return (
    <ul className="chat-list">
      {chats.data.results.map((chat) => (
        <li key={chat.id}>
          <Link
            to={{ pathname: `/inbox/${chat.id}`, search: `?tab=${tab}` }}
            className="chat-item"
            aria-current={chat.id === openChatId ? 'page' : undefined}
          >
            <span className="chat-item-top">
              <span className="chat-title">{chat.title}</span>
              <time dateTime={chat.last_activity_at}>{time(chat.last_activity_at)}</time>
            </span>
            <span className="chat-item-bottom">
              <span className="chat-preview">{preview(chat, t)}</span>
              {chat.unread_count > 0 && (
                <span className="badge" aria-label={t('chats.unread', { count: chat.unread_count })}>
                  {chat.unread_count}
                </span>
              )}
            </span>
            <span className="chat-source">{chat.account.title}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

function preview(chat: Chat, t: Translate): string {
  const last = chat.last_message;
  if (!last) return t('chats.noMessages');
  const text = last.text ?? t('chats.media', { kind: last.kind });
  return last.direction === 'out' ? t('chats.you', { text }) : text;
}
