import { Link } from 'react-router';
import { useI18n } from '../../../lib/i18n';
import type { ChatTab } from '../api/get-chats';

export function ChatTabs({ tab, isAdmin, openChatId }: { tab: ChatTab; isAdmin: boolean; openChatId: number | null }) {
  const { t } = useI18n();
  const tabs: ChatTab[] = isAdmin ? ['mine', 'unassigned', 'all'] : ['mine', 'unassigned'];
  const base = openChatId === null ? '/inbox' : `/inbox/${openChatId}`;
  return (
    <nav aria-label={t('chats.tabs')} className="tabs">
      {tabs.map((name) => (
        <Link key={name} to={`${base}?tab=${name}`} aria-current={name === tab ? 'page' : undefined} className="tab">
          {t(`chats.${name}`)}
        </Link>
      ))}
    </nav>
  );
}
