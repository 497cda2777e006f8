import { Navigate, Outlet, useNavigate } from 'react-router';
import { Button } from '../../components/ui/button';
import { useMe } from '../../features/auth/api/get-me';
import { useLogout } from '../../features/auth/api/logout';
import { useLiveUpdates } from '../../features/realtime/use-live-updates';
import { useI18n } from '../../lib/i18n';
import { AdminNav } from '../admin-nav';
import { AlertsToggle } from '../alerts-toggle';
import { LanguageSwitch } from '../language-switch';
import { SkipLink } from '../skip-link';
import { ThemeSwitch } from '../theme-switch';
import { useUnreadTitle } from '../use-unread-title';

/** The admin console's pages: the header with its navigation, live frames (accounts' statuses), admins only. */
export function AdminLayout() {
  const { t } = useI18n();
  const me = useMe().data;
  const navigate = useNavigate();
  const logout = useLogout();
  const live = useLiveUpdates(me?.id ?? 0);
  useUnreadTitle();
  if (!me) return null;
  if (me.role !== 'admin') return <Navigate to="/inbox" replace />;
  return (
    <div className="admin">
      <SkipLink />
      <header className="app-header">
        <span className="app-name">{t('app.name')}</span>
        <AdminNav />
        <span className={`live live-${live}`} role="status">
          {t(`live.${live}`)}
        </span>
        <span className="spacer" />
        <span className="muted signed-in">{t('header.signedInAs', { name: me.display_name })}</span>
        <LanguageSwitch />
        <ThemeSwitch />
        <AlertsToggle />
        <Button onClick={() => logout.mutate(undefined, { onSettled: () => navigate('/login', { replace: true }) })}>
          {t('header.logout')}
        </Button>
      </header>
      <main className="admin-page" id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
