// The header every signed-in page shares: the name, the admin navigation (admins), the live connection's state,
// who is signed in, the language, theme and alerts switches, and logging out.
import { useNavigate } from 'react-router';
import { Button } from '../components/ui/button';
import type { Operator } from '../api/types';
import { useLogout } from '../features/auth/api/logout';
import type { LiveState } from '../features/realtime/live-connection';
import { useI18n } from '../lib/i18n';
import { AdminNav } from './admin-nav';
import { AlertsToggle } from './alerts-toggle';
import { LanguageSwitch } from './language-switch';
import { ThemeSwitch } from './theme-switch';

export function AppHeader({ me, live }: { me: Operator; live: LiveState }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const logout = useLogout();
  return (
    <header className="app-header">
      <span className="app-name">{t('app.name')}</span>
      {me.role === 'admin' && <AdminNav />}
      <span className={`live live-${live}`} role="status">
        {t(`live.${live}`)}
      </span>
      <span className="spacer" />
      <span className="muted signed-in">{t('header.signedInAs', { name: me.display_name })}</span>
      {/* At phone width these take the header's second line, under the name, the navigation and the live state. */}
      <div className="header-tools">
        <LanguageSwitch />
        <ThemeSwitch />
        <AlertsToggle />
        <Button className="logout" onClick={() => logout.mutate(undefined, { onSettled: () => navigate('/login', { replace: true }) })}>
          {t('header.logout')}
        </Button>
      </div>
    </header>
  );
}
