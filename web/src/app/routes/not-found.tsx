import { Link } from 'react-router';
import { useI18n } from '../../lib/i18n';

export function NotFoundRoute() {
  const { t } = useI18n();
  return (
    <main className="page-message">
      <h1>{t('app.notFound')}</h1>
      <Link to="/inbox">{t('app.toInbox')}</Link>
    </main>
  );
}
