import { useState, type FormEvent } from 'react';
import type { Account, AccountChanges } from '../../../api/types';
import { Button } from '../../../components/ui/button';
import { ErrorMessage } from '../../../components/ui/error-message';
import { useI18n } from '../../../lib/i18n';
import { useUpdateAccount } from '../api/update-account';

type Flags = Record<string, unknown>;
const flag = (settings: Flags, name: string, fallback: boolean) => (typeof settings[name] === 'boolean' ? (settings[name] as boolean) : fallback);
const count = (settings: Flags, name: string, fallback: number) => (typeof settings[name] === 'number' ? String(settings[name]) : String(fallback));

/** An account's title and the settings its type has; a bot also takes a new token after /revoke. */
export function AccountSettingsForm({ account, onDone }: { account: Account; onDone: () => void }) {
  const { t } = useI18n();
  const update = useUpdateAccount();
  const settings = (account.settings ?? {}) as Flags;
  const [title, setTitle] = useState(account.title);
  const [groups, setGroups] = useState(flag(settings, 'groups', false));
  const [markRead, setMarkRead] = useState(flag(settings, 'mark_read', true));
  const [demo, setDemo] = useState(flag(settings, 'demo', false));
  const [historyChats, setHistoryChats] = useState(count(settings, 'history_chats', 50));
  const [historyMessages, setHistoryMessages] = useState(count(settings, 'history_messages', 20));
  const [token, setToken] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const changes: AccountChanges = { title: title.trim() };
    if (account.type === 'bot') changes.settings = { groups };
    if (account.type === 'user') {
      changes.settings = { groups, mark_read: markRead, history_chats: Number(historyChats), history_messages: Number(historyMessages) };
    }
    if (account.type === 'simulator') changes.settings = { demo };
    if (token.trim()) changes.token = token.trim();
    update.mutate({ id: account.id, changes }, { onSuccess: onDone });
  };

  return (
    <form className="admin-form account-settings" onSubmit={submit} aria-label={t('sources.settingsOf', { title: account.title })}>
      <label>
        {t('sources.title')}
        <input value={title} onChange={(event) => setTitle(event.target.value)} required maxLength={128} />
      </label>
      {account.type !== 'simulator' && (
        <label className="check">
          <input type="checkbox" checked={groups} onChange={(event) => setGroups(event.target.checked)} />
          {t('sources.groups')}
        </label>
      )}
      {account.type === 'user' && (
        <>
          <label className="check">
            <input type="checkbox" checked={markRead} onChange={(event) => setMarkRead(event.target.checked)} />
            {t('sources.markRead')}
          </label>
          <label>
            {t('sources.historyChats')}
            <input type="number" min={0} max={1000} value={historyChats} onChange={(event) => setHistoryChats(event.target.value)} required />
          </label>
          <label>
            {t('sources.historyMessages')}
            <input type="number" min={0} max={500} value={historyMessages} onChange={(event) => setHistoryMessages(event.target.value)} required />
          </label>
        </>
      )}
      {account.type === 'simulator' && (
        <label className="check">
          <input type="checkbox" checked={demo} onChange={(event) => setDemo(event.target.checked)} />
          {t('sources.demo')}
        </label>
      )}
      {account.type === 'bot' && (
        <label>
          {t('sources.newToken')}
          <input value={token} onChange={(event) => setToken(event.target.value)} autoComplete="off" spellCheck={false} />
        </label>
      )}
      <div className="form-actions">
        <Button type="submit" disabled={update.isPending}>
          {t('form.save')}
        </Button>
        <Button className="secondary" onClick={onDone}>
          {t('form.cancel')}
        </Button>
      </div>
      {update.error && <ErrorMessage error={update.error} />}
    </form>
  );
}
