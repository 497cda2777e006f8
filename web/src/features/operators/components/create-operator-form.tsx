import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { ErrorMessage } from '../../../components/ui/error-message';
import { useI18n } from '../../../lib/i18n';
import { useCreateOperator } from '../api/create-operator';

const EMPTY = { username: '', displayName: '', password: '', role: 'operator' as 'operator' | 'admin', limit: '' };

/** A new operator (or admin) with a password and, optionally, a limit of active chats. */
export function CreateOperatorForm() {
  const { t } = useI18n();
  const create = useCreateOperator();
  const [form, setForm] = useState(EMPTY);
  const set = (field: keyof typeof EMPTY) => (event: { target: { value: string } }) => setForm({ ...form, [field]: event.target.value });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      {
        username: form.username.trim(),
        password: form.password,
        role: form.role,
        ...(form.displayName.trim() && { display_name: form.displayName.trim() }),
        ...(form.limit !== '' && { max_active_chats: Number(form.limit) }),
      },
      { onSuccess: () => setForm(EMPTY) },
    );
  };
  return (
    <form className="admin-form" onSubmit={submit} aria-label={t('operators.create')}>
      <h2>{t('operators.create')}</h2>
      <label>
        {t('operators.username')}
        <input value={form.username} onChange={set('username')} required autoComplete="off" maxLength={64} />
      </label>
      <label>
        {t('operators.name')}
        <input value={form.displayName} onChange={set('displayName')} maxLength={128} />
      </label>
      <label>
        {t('operators.password')}
        <input type="password" value={form.password} onChange={set('password')} required autoComplete="new-password" />
      </label>
      <label>
        {t('operators.role')}
        <select value={form.role} onChange={set('role')}>
          <option value="operator">{t('operators.role.operator')}</option>
          <option value="admin">{t('operators.role.admin')}</option>
        </select>
      </label>
      <label>
        {t('operators.limit')}
        <input type="number" min={0} max={10000} value={form.limit} onChange={set('limit')} placeholder={t('operators.noLimit')} />
      </label>
      <Button type="submit" disabled={create.isPending}>
        {t('operators.createSubmit')}
      </Button>
      {create.error && <ErrorMessage error={create.error} />}
    </form>
  );
}
