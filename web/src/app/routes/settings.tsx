import { SettingsPanel } from '../../features/settings/components/settings-form';
import { useI18n } from '../../lib/i18n';

export function SettingsRoute() {
  const { t } = useI18n();
  return (
    <section aria-labelledby="settings-title" className="admin-narrow">
      <h1 id="settings-title">{t('settings.heading')}</h1>
      <SettingsPanel />
    </section>
  );
}
