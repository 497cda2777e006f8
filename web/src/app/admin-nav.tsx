import { useEffect, useRef } from 'react';
import { NavLink, useLocation } from 'react-router';
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
  const nav = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  // At phone width the navigation scrolls sideways in one line: the current page's link is kept in view.
  useEffect(() => {
    const bar = nav.current;
    const link = bar?.querySelector<HTMLElement>('.active');
    if (!bar || !link || bar.scrollWidth <= bar.clientWidth) return;
    // scrollLeft, not scrollIntoView: that would also move where the next Tab starts from
    bar.scrollLeft = Math.max(0, link.offsetLeft - bar.offsetLeft - (bar.clientWidth - link.offsetWidth) / 2);
  }, [pathname]);
  return (
    <nav aria-label={t('nav.label')} className="admin-nav" ref={nav}>
      {PAGES.map(([to, key]) => (
        <NavLink key={to} to={to} className="tab">
          {t(key)}
        </NavLink>
      ))}
    </nav>
  );
}
