import { CreateOperatorForm } from '../../features/operators/components/create-operator-form';
import { OperatorList } from '../../features/operators/components/operator-list';
import { useI18n } from '../../lib/i18n';

/** Operators: who works here, their roles, limits and load; creating and managing them. */
export function OperatorsRoute() {
  const { t } = useI18n();
  return (
    <div className="admin-columns">
      <section aria-labelledby="operators-title">
        <h1 id="operators-title">{t('operators.heading')}</h1>
        <OperatorList />
      </section>
      <aside className="admin-side">
        <CreateOperatorForm />
      </aside>
    </div>
  );
}
