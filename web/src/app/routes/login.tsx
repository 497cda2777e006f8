import { useNavigate, useSearchParams } from 'react-router';
import { LoginForm } from '../../features/auth/components/login-form';
import { LanguageSwitch } from '../language-switch';
import { ThemeSwitch } from '../theme-switch';

/** Only paths of this app: never another origin after login. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/inbox';
}

export function LoginRoute() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  return (
    <main className="login-page" id="main">
      <LoginForm expired={params.get('expired') === '1'} onSignedIn={() => navigate(safeNext(params.get('next')), { replace: true })} />
      <div className="login-preferences">
        <LanguageSwitch />
        <ThemeSwitch />
      </div>
    </main>
  );
}
