import { useState } from 'react';
import { alertsOn, setAlerts } from '../lib/alerts';
import { useI18n } from '../lib/i18n';

/** Sound and a browser notification for new customer messages in my chats: a pressed/unpressed button. */
export function AlertsToggle() {
  const { t } = useI18n();
  const [on, setOn] = useState(alertsOn);
  return (
    <button
      type="button"
      className="button button-secondary alerts-toggle"
      aria-pressed={on}
      title={t('alerts.hint')}
      onClick={() => {
        setOn(!on);
        void setAlerts(!on);
      }}
    >
      {t('alerts.label')}
    </button>
  );
}
