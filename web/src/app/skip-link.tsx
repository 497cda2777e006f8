import { useI18n } from '../lib/i18n';

/** The first thing Tab reaches: straight to the page's <main id="main">, past the header. */
export function SkipLink() {
  const { t } = useI18n();
  return (
    <a className="skip-link" href="#main">
      {t('app.skipToMain')}
    </a>
  );
}
