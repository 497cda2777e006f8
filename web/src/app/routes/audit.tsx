import { AuditLog } from '../../features/audit/components/audit-log';
import { useI18n } from '../../lib/i18n';

export function AuditRoute() {
  const { t } = useI18n();
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t('audit.heading')}</h1>
      <AuditLog />
    </section>
  );
}
