import { Navigate, Outlet, useLocation } from 'react-router';
import { ErrorMessage } from '../components/ui/error-message';
import { useMe } from '../features/auth/api/get-me';
import { ApiError, sessionHasEnded } from '../lib/api-client';
import { useI18n } from '../lib/i18n';

/** Pages behind the login: without a session they send the user to /login, who then comes back here. */
export function RequireAuth() {
  const { t } = useI18n();
  const me = useMe();
  const location = useLocation();
  if (me.error instanceof ApiError && me.error.status === 401) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}${sessionHasEnded() ? '&expired=1' : ''}`} replace />;
  }
  if (me.error) return <ErrorMessage error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data) return <p className="muted page-message">{t('app.loading')}</p>;
  return <Outlet />;
}
