import { useEffect, useState, type KeyboardEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useI18n } from '../../../lib/i18n';
import { useMe } from '../../auth/api/get-me';
import { CHAT_STATUSES, type ChatFilters as Filters, type ChatStatus } from '../api/get-chats';
import { useSources } from '../api/get-sources';

const SEARCH_DELAY_MS = 250;

/** The list's filters live in the URL (`q`, `status`, `source`), so a link or a reload keeps them. */
export function useChatFilters(): Filters {
  const [params] = useSearchParams();
  const q = params.get('q')?.trim().slice(0, 200);
  const status = params.get('status') as ChatStatus | null;
  const source = Number(params.get('source'));
  return {
    ...(q && { q }),
    ...(status && CHAT_STATUSES.includes(status) && { status }),
    ...(Number.isSafeInteger(source) && source > 0 && { account: source }),
  };
}

/** Search box, status and source; ArrowDown from the search box moves into the list. */
export function ChatFilters({ onLeaveDown }: { onLeaveDown(): void }) {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const filters = useChatFilters();
  const isAdmin = useMe().data?.role === 'admin';
  const sources = useSources(isAdmin).data ?? [];
  const [text, setText] = useState(params.get('q') ?? '');

  const setParam = (name: string, value: string) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );

  // The URL changed elsewhere (back, a link): the box shows its words.
  const urlText = params.get('q') ?? '';
  useEffect(() => {
    setText((current) => (current.trim() === urlText.trim() ? current : urlText));
  }, [urlText]);

  useEffect(() => {
    if (text.trim() === (params.get('q') ?? '').trim()) return;
    const timer = setTimeout(() => setParam('q', text.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text]);

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      onLeaveDown();
    } else if (event.key === 'Escape' && text) {
      setText('');
    } else if (event.key === 'Enter') {
      setParam('q', text.trim());
    }
  };

  return (
    <div className="chat-filters" role="search" aria-label={t('chats.filters')}>
      <input
        type="search"
        aria-label={t('chats.search')}
        placeholder={t('chats.searchPlaceholder')}
        value={text}
        maxLength={200}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="chat-filter-row">
        <select aria-label={t('chats.status')} value={filters.status ?? ''} onChange={(event) => setParam('status', event.target.value)}>
          <option value="">{t('chats.anyStatus')}</option>
          {CHAT_STATUSES.map((status) => (
            <option key={status} value={status}>
              {t(`chatStatus.${status}`)}
            </option>
          ))}
        </select>
        {isAdmin && sources.length > 1 && (
          <select
            aria-label={t('chats.source')}
            value={filters.account === undefined ? '' : String(filters.account)}
            onChange={(event) => setParam('source', event.target.value)}
          >
            <option value="">{t('chats.anySource')}</option>
            {sources.map((account) => (
              <option key={account.id} value={account.id}>
                {account.title}
              </option>
            ))}
          </select>
        )}
      </div>
    </div>
  );
}
