import { Link, useSearchParams } from 'react-router';
import { useI18n } from '../../../lib/i18n';
import type { ChatTab } from '../api/get-chats';

export function ChatTabs({ tab, isAdmin, openChatId }: { tab: ChatTab; isAdmin: boolean; openChatId: number | null }) {
  const { t } = useI18n();
  const tabs: ChatTab[] = isAdmin ? ['mine', 'unassigned', 'all'] : ['mine', 'unassigned'];
  const [params] = useSearchParams();
  const base = openChatId === null ? '/inbox' : `/inbox/${openChatId}`;
  // The search and filters stay when the tab changes.
  const searchFor = (name: ChatTab) => {
    const next = new URLSearchParams(params);
    next.set('tab', name);
    return `?${next}`;
  };
  return (
    <nav aria-label={t('chats.tabs')} className="tabs">
      {tabs.map((name) => (
        <Link key={name} to={`${base}${searchFor(name)}`} aria-current={name === tab ? 'page' : undefined} className="tab">
          {t(`chats.${name}`)}
        </Link>
      ))}
    </nav>
  );
}
