import { NavLink } from 'react-router';
import { useI18n } from '../lib/i18n';

const PAGES = [
  ['/inbox', 'nav.inbox'],
  ['/sources', 'nav.sources'],
  ['/operators', 'nav.operators'],
  ['/settings', 'nav.settings'],
  ['/audit', 'nav.audit'],
] as const;

/** The admin console's navigation in the header (admins only: operators never see it, the server refuses them). */
export function AdminNav() {
  const { t } = useI18n();
  return (
    <nav aria-label={t('nav.label')} className="admin-nav">
      {PAGES.map(([to, key]) => (
        <NavLink key={to} to={to} className="tab">
          {t(key)}
        </NavLink>
      ))}
    </nav>
  );
}
