import { useEffect, useState } from 'react';
import type { Account } from '../../../api/types';
import { useI18n } from '../../../lib/i18n';
import { HistoryImportBar } from './history-import-bar';

/** Seconds left until `until`, ticking once a second while there are any. */
export function useSecondsLeft(until: string | null): number {
  const [now, setNow] = useState(() => Date.now());
  const end = until ? Date.parse(until) : 0;
  useEffect(() => {
    if (end <= Date.now()) return;
    const timer = setInterval(() => {
      const current = Date.now();
      setNow(current);
      if (current >= end) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [end]);
  return Math.max(0, Math.ceil((end - now) / 1000));
}

export const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

/** A history import still running (a finished one keeps its figures, done = total, until the status changes). */
export const importing = (account: Account): account is Account & { history_import: { done: number; total: number } } =>
  account.history_import !== null && account.history_import.done < account.history_import.total;

/** An account's status and, in plain words, why and what to do about it. */
export function AccountStatus({ account }: { account: Account }) {
  const { t } = useI18n();
  const secondsLeft = useSecondsLeft(account.status === 'flood_wait' ? account.status_until : null);
  const revokedToken = account.type === 'bot' && account.status === 'error' && /token/i.test(account.status_reason ?? '');
  let advice: string | null = null;
  if (account.status === 'flood_wait') advice = secondsLeft > 0 ? t('account.floodWait', { time: clock(secondsLeft) }) : t('account.floodWaitOver');
  else if (revokedToken) advice = t('account.tokenRevoked');
  else if (account.status === 'needs_reauth') advice = t('account.needsReauth');
  else if (account.status === 'error') advice = t('account.error');
  else if (account.status === 'stopped' && account.desired_state === 'running') advice = t('account.starting');
  return (
    <div className="account-status">
      <span className={`status-pill status-${account.status}`} role="status" aria-label={t('account.statusLabel')}>
        {t(`account.status.${account.status}`)}
      </span>
      {advice && <p className="account-advice">{advice}</p>}
      {importing(account) && <HistoryImportBar progress={account.history_import} />}
      {account.status_reason && account.status !== 'active' && (
        <p className="muted account-reason">{t('account.reason', { reason: account.status_reason })}</p>
      )}
    </div>
  );
}
