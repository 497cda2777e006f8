import { Navigate, Outlet } from 'react-router';
import { useMe } from '../../features/auth/api/get-me';
import { useLiveUpdates } from '../../features/realtime/use-live-updates';
import { AppHeader } from '../app-header';
import { SkipLink } from '../skip-link';
import { useUnreadTitle } from '../use-unread-title';

/** The admin console's pages: the header with its navigation, live frames (accounts' statuses), admins only. */
export function AdminLayout() {
  const me = useMe().data;
  const live = useLiveUpdates(me?.id ?? 0);
  useUnreadTitle();
  if (!me) return null;
  if (me.role !== 'admin') return <Navigate to="/inbox" replace />;
  return (
    <div className="admin">
      <SkipLink />
      <AppHeader me={me} live={live} />
      <main className="admin-page" id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
