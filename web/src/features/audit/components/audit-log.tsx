import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { ErrorMessage } from '../../../components/ui/error-message';
import { useI18n } from '../../../lib/i18n';
import { useOperators } from '../../operators/api/get-operators';
import { useAuditLog } from '../api/get-audit-log';

/** The actions the server records, to filter the log by one. */
const ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'operator.created',
  'operator.updated',
  'operator.deleted',
  'operator.throttle_cleared',
  'account.created',
  'account.updated',
  'account.started',
  'account.stopped',
  'account.deleted',
  'account.logged_in',
  'settings.updated',
  'retention.cleanup',
] as const;

/** The audit log, newest first, filtered by action, with older entries on request. */
export function AuditLog() {
  const { t, time } = useI18n();
  const [action, setAction] = useState('');
  const log = useAuditLog(action);
  const operators = useOperators();
  const nameOf = (id: number | null) => {
    if (id === null) return t('audit.system');
    return operators.data?.results.find((o) => o.id === id)?.display_name ?? `#${id}`;
  };
  const records = log.data?.pages.flatMap((page) => page.results) ?? [];
  return (
    <>
      <label className="audit-filter">
        {t('audit.action')}
        <select value={action} onChange={(event) => setAction(event.target.value)}>
          <option value="">{t('audit.allActions')}</option>
          {ACTIONS.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      {log.error && <ErrorMessage error={log.error} onRetry={() => void log.refetch()} />}
      {!log.data && !log.error && <p className="muted">{t('app.loading')}</p>}
      {log.data && records.length === 0 && <p className="muted">{t('audit.empty')}</p>}
      {records.length > 0 && (
        <table className="admin-table card-table" aria-label={t('audit.heading')}>
          <thead>
            <tr>
              <th scope="col">{t('audit.when')}</th>
              <th scope="col">{t('audit.who')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.target')}</th>
              <th scope="col">{t('audit.ip')}</th>
              <th scope="col">{t('audit.details')}</th>
            </tr>
          </thead>
          <tbody>
            {records.map((record) => (
              <tr key={record.id}>
                {/* data-label: at phone width each row is a card, its cells stacked under their column's name */}
                <td className="nowrap" data-label={t('audit.when')}>
                  {time(record.at)}
                </td>
                <td data-label={t('audit.who')}>{nameOf(record.actor_id)}</td>
                <td data-label={t('audit.action')}>
                  <code>{record.action}</code>
                </td>
                <td data-label={t('audit.target')}>{record.target_type ? `${record.target_type} #${record.target_id ?? ''}` : ''}</td>
                <td data-label={t('audit.ip')}>{record.ip ?? ''}</td>
                <td className="audit-details" data-label={t('audit.details')}>
                  {record.details && <code>{JSON.stringify(record.details)}</code>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {log.hasNextPage && (
        <Button className="secondary load-more" disabled={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
          {t('audit.older')}
        </Button>
      )}
    </>
  );
}
