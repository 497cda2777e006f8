import { useState, type FormEvent } from 'react';
import { ApiError } from '../../../lib/api-client';
import { useI18n } from '../../../lib/i18n';
import { Button } from '../../../components/ui/button';
import { useLogin } from '../api/login';

export function LoginForm({ onSignedIn, expired }: { onSignedIn: () => void; expired: boolean }) {
  const { t } = useI18n();
  const login = useLogin();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ username, password }, { onSuccess: onSignedIn });
  };

  return (
    <form className="login-form" onSubmit={submit} aria-labelledby="login-title">
      <h1 id="login-title">{t('login.title')}</h1>
      {expired && !login.error && <p role="status">{t('login.expired')}</p>}
      <label>
        {t('login.username')}
        <input name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
      </label>
      <label>
        {t('login.password')}
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      {login.error && <p role="alert" className="error">{loginError(login.error, t)}</p>}
      <Button type="submit" disabled={login.isPending}>
        {login.isPending ? t('login.submitting') : t('login.submit')}
      </Button>
    </form>
  );
}

function loginError(error: Error, t: ReturnType<typeof useI18n>['t']): string {
  if (!(error instanceof ApiError)) return t('error.generic', { message: error.message });
  if (error.status === 401) return t('login.failed');
  if (error.status === 429) return t('login.throttled');
  if (error.status === 0) return t('error.network');
  return t('error.generic', { message: error.message });
}
