import { useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useMe } from '../../features/auth/api/get-me';
import { ChatDetails } from '../../features/chats/components/chat-details';
import { ChatFilters, useChatFilters } from '../../features/chats/components/chat-filters';
import { ChatList, focusChatList } from '../../features/chats/components/chat-list';
import { ChatTabs } from '../../features/chats/components/chat-tabs';
import type { ChatTab } from '../../features/chats/api/get-chats';
import { Conversation } from '../../features/messages/components/conversation';
import { useLiveUpdates } from '../../features/realtime/use-live-updates';
import { useI18n } from '../../lib/i18n';
import { AppHeader } from '../app-header';
import { SkipLink } from '../skip-link';
import { useUnreadTitle } from '../use-unread-title';

const TABS: ChatTab[] = ['mine', 'unassigned', 'all'];

/** Chat list and the open conversation; the URL holds the tab and the chat, so a deep link restores both. */
export function InboxRoute() {
  const { t } = useI18n();
  const me = useMe().data;
  const [params] = useSearchParams();
  const { chatId } = useParams();
  const openChatId = chatId && /^[1-9]\d*$/.test(chatId) ? Number(chatId) : null;
  const isAdmin = me?.role === 'admin';
  const requested = params.get('tab') as ChatTab | null;
  const tab: ChatTab = requested && TABS.includes(requested) && (requested !== 'all' || isAdmin) ? requested : isAdmin ? 'all' : 'mine';
  const live = useLiveUpdates(me?.id ?? 0);
  const filters = useChatFilters();
  const list = useRef<HTMLUListElement>(null);
  // At phone width the side pane replaces the conversation when asked for (a new chat starts without it).
  const [detailsFor, setDetailsFor] = useState<number | null>(null);
  const detailsOpen = openChatId !== null && detailsFor === openChatId;
  useUnreadTitle(openChatId);
  if (!me) return null;

  return (
    <div className={detailsOpen ? 'inbox details-open' : 'inbox'}>
      <SkipLink />
      <AppHeader me={me} live={live} />
      <aside className="chats-pane" aria-label={t('chats.title')}>
        <ChatTabs tab={tab} isAdmin={isAdmin} openChatId={openChatId} />
        <ChatFilters onLeaveDown={() => focusChatList(list.current)} />
        <ChatList tab={tab} filters={filters} openChatId={openChatId} listRef={list} />
      </aside>
      <main className="conversation-pane" id="main" tabIndex={-1}>
        {openChatId !== null && (
          <div className="phone-bar">
            <Link className="back-link" to={`/inbox${params.size > 0 ? `?${params.toString()}` : ''}`}>
              ← {t('inbox.backToChats')}
            </Link>
            <button type="button" className="link-button" aria-expanded={detailsOpen} onClick={() => setDetailsFor(detailsOpen ? null : openChatId)}>
              {detailsOpen ? t('inbox.hideDetails') : t('inbox.showDetails')}
            </button>
          </div>
        )}
        {openChatId === null ? <p className="muted page-message">{t('conversation.pick')}</p> : <Conversation chatId={openChatId} />}
      </main>
      {openChatId !== null && (
        <aside className="details-pane" aria-label={t('details.title')}>
          <ChatDetails key={openChatId} chatId={openChatId} />
        </aside>
      )}
    </div>
  );
}
