import { useState, type FormEvent } from 'react';
import type { ListedOperator } from '../../../api/types';
import { Button } from '../../../components/ui/button';
import { ErrorMessage } from '../../../components/ui/error-message';
import { useI18n } from '../../../lib/i18n';
import { useClearThrottle } from '../api/clear-throttle';
import { useOperators } from '../api/get-operators';
import { useUpdateOperator } from '../api/update-operator';

/** Every operator: role, limit, load, last login, active or not; and what an admin does with them. */
export function OperatorList() {
  const { t } = useI18n();
  const operators = useOperators();
  if (operators.error) return <ErrorMessage error={operators.error} onRetry={() => void operators.refetch()} />;
  if (!operators.data) return <p className="muted">{t('app.loading')}</p>;
  return (
    <table className="admin-table card-table" aria-label={t('operators.list')}>
      <thead>
        <tr>
          <th scope="col">{t('operators.name')}</th>
          <th scope="col">{t('operators.role')}</th>
          <th scope="col">{t('operators.load')}</th>
          <th scope="col">{t('operators.lastLogin')}</th>
          <th scope="col">{t('operators.state')}</th>
          <th scope="col">{t('operators.actions')}</th>
        </tr>
      </thead>
      <tbody>
        {operators.data.results.map((operator) => (
          <OperatorRow key={operator.id} operator={operator} />
        ))}
      </tbody>
    </table>
  );
}

type Panel = 'edit' | 'password' | null;

function OperatorRow({ operator }: { operator: ListedOperator }) {
  const { t, time } = useI18n();
  const update = useUpdateOperator();
  const clear = useClearThrottle();
  const [panel, setPanel] = useState<Panel>(null);
  const toggle = (next: Panel) => setPanel(panel === next ? null : next);
  return (
    <>
      <tr aria-label={operator.display_name} className={operator.is_active ? undefined : 'inactive'}>
        <td>
          <strong>{operator.display_name}</strong>
          <div className="muted">@{operator.username}</div>
        </td>
        <td data-label={t('operators.role')}>{t(`operators.role.${operator.role}`)}</td>
        <td className="nowrap" data-label={t('operators.load')}>
          {operator.max_active_chats === null
            ? t('operators.loadNoLimit', { load: operator.active_chats })
            : t('operators.loadValue', { load: operator.active_chats, limit: operator.max_active_chats })}
        </td>
        <td className="nowrap" data-label={t('operators.lastLogin')}>{operator.last_login_at ? time(operator.last_login_at) : t('operators.never')}</td>
        <td data-label={t('operators.state')}>{operator.is_active ? t('operators.active') : t('operators.inactive')}</td>
        <td className="row-actions">
          <Button className="secondary" aria-expanded={panel === 'edit'} onClick={() => toggle('edit')}>
            {t('operators.edit')}
          </Button>
          <Button className="secondary" aria-expanded={panel === 'password'} onClick={() => toggle('password')}>
            {t('operators.resetPassword')}
          </Button>
          <Button
            className="secondary"
            disabled={update.isPending}
            onClick={() => update.mutate({ id: operator.id, changes: { is_active: !operator.is_active } })}
          >
            {operator.is_active ? t('operators.deactivate') : t('operators.activate')}
          </Button>
          <Button className="secondary" disabled={clear.isPending} onClick={() => clear.mutate(operator.id)}>
            {t('operators.clearLock')}
          </Button>
          {clear.isSuccess && <span role="status">{t('operators.lockCleared')}</span>}
        </td>
      </tr>
      {(panel || update.error || clear.error) && (
        <tr className="row-panel">
          <td colSpan={6}>
            {panel === 'edit' && <EditOperatorForm operator={operator} onDone={() => setPanel(null)} />}
            {panel === 'password' && <PasswordForm operator={operator} onDone={() => setPanel(null)} />}
            {(update.error ?? clear.error) && <ErrorMessage error={(update.error ?? clear.error) as Error} />}
          </td>
        </tr>
      )}
    </>
  );
}

function EditOperatorForm({ operator, onDone }: { operator: ListedOperator; onDone: () => void }) {
  const { t } = useI18n();
  const update = useUpdateOperator();
  const [name, setName] = useState(operator.display_name);
  const [role, setRole] = useState(operator.role);
  const [limit, setLimit] = useState(operator.max_active_chats === null ? '' : String(operator.max_active_chats));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const changes = { display_name: name.trim(), role, max_active_chats: limit === '' ? null : Number(limit) };
    update.mutate({ id: operator.id, changes }, { onSuccess: onDone });
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={t('operators.editOf', { name: operator.display_name })}>
      <label>
        {t('operators.name')}
        <input value={name} onChange={(event) => setName(event.target.value)} required maxLength={128} />
      </label>
      <label>
        {t('operators.role')}
        <select value={role} onChange={(event) => setRole(event.target.value as typeof role)}>
          <option value="operator">{t('operators.role.operator')}</option>
          <option value="admin">{t('operators.role.admin')}</option>
        </select>
      </label>
      <label>
        {t('operators.limit')}
        <input type="number" min={0} max={10000} value={limit} onChange={(event) => setLimit(event.target.value)} placeholder={t('operators.noLimit')} />
      </label>
      <Button type="submit" disabled={update.isPending}>
        {t('form.save')}
      </Button>
      <Button className="secondary" onClick={onDone}>
        {t('form.cancel')}
      </Button>
      {update.error && <ErrorMessage error={update.error} />}
    </form>
  );
}

function PasswordForm({ operator, onDone }: { operator: ListedOperator; onDone: () => void }) {
  const { t } = useI18n();
  const update = useUpdateOperator();
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ id: operator.id, changes: { password } }, { onSuccess: onDone });
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={t('operators.passwordOf', { name: operator.display_name })}>
      <label>
        {t('operators.newPassword')}
        <input type="password" value={password} onChange={(event) => setPassword(event.target.value)} required autoComplete="new-password" />
      </label>
      <p className="muted hint">{t('operators.passwordHint')}</p>
      <Button type="submit" disabled={update.isPending}>
        {t('operators.setPassword')}
      </Button>
      <Button className="secondary" onClick={onDone}>
        {t('form.cancel')}
      </Button>
      {update.error && <ErrorMessage error={update.error} />}
    </form>
  );
}
