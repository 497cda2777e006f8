import { useState } from 'react';
import type { Account } from '../../../api/types';
import { Button } from '../../../components/ui/button';
import { ErrorMessage } from '../../../components/ui/error-message';
import { useI18n } from '../../../lib/i18n';
import { useDeleteAccount } from '../api/delete-account';
import { useAccounts } from '../api/get-accounts';
import { useStartAccount } from '../api/start-account';
import { useStopAccount } from '../api/stop-account';
import { AccountSettingsForm } from './account-settings-form';
import { AccountStatus } from './account-status';

/** Every account with its live status; start, stop, settings and delete (after a confirmation). */
export function AccountList() {
  const { t } = useI18n();
  const accounts = useAccounts();
  if (accounts.error) return <ErrorMessage error={accounts.error} onRetry={() => void accounts.refetch()} />;
  if (!accounts.data) return <p className="muted">{t('app.loading')}</p>;
  if (accounts.data.results.length === 0) return <p className="muted">{t('sources.empty')}</p>;
  return (
    <ul className="account-list" aria-label={t('sources.list')}>
      {accounts.data.results.map((account) => (
        <AccountItem key={account.id} account={account} />
      ))}
    </ul>
  );
}

function AccountItem({ account }: { account: Account }) {
  const { t } = useI18n();
  const start = useStartAccount();
  const stop = useStopAccount();
  const remove = useDeleteAccount();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const running = account.desired_state === 'running' && !['error', 'needs_reauth', 'stopped'].includes(account.status);
  const error = start.error ?? stop.error ?? remove.error;
  return (
    <li className="account-item" aria-label={account.title}>
      <div className="account-main">
        <div>
          <h3 className="account-title">{account.title}</h3>
          <p className="muted account-meta">
            {t(`account.type.${account.type}`)}
            {account.username && ` · @${account.username}`}
            {account.phone && ` · ${account.phone}`}
          </p>
        </div>
        <AccountStatus account={account} />
        <div className="account-actions">
          {account.status === 'login_pending' ? null : running ? (
            <Button className="secondary" disabled={stop.isPending} onClick={() => stop.mutate(account.id)}>
              {t('sources.stop')}
            </Button>
          ) : (
            <Button disabled={start.isPending} onClick={() => start.mutate(account.id)}>
              {t('sources.start')}
            </Button>
          )}
          <Button className="secondary" aria-expanded={editing} onClick={() => setEditing(!editing)}>
            {t('sources.settings')}
          </Button>
          <Button className="danger" onClick={() => setConfirming(true)} disabled={confirming}>
            {t('sources.delete')}
          </Button>
        </div>
      </div>
      {confirming && (
        <div role="alertdialog" aria-label={t('sources.deleteTitle')} className="confirm">
          <p>{t('sources.deleteConfirm', { title: account.title })}</p>
          <Button className="danger" disabled={remove.isPending} onClick={() => remove.mutate(account.id)}>
            {t('sources.deleteYes')}
          </Button>
          <Button className="secondary" onClick={() => setConfirming(false)} autoFocus>
            {t('form.cancel')}
          </Button>
        </div>
      )}
      {editing && <AccountSettingsForm account={account} onDone={() => setEditing(false)} />}
      {error && <ErrorMessage error={error} />}
    </li>
  );
}
