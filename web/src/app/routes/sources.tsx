import { AccountList } from '../../features/accounts/components/account-list';
import { AddBotForm, AddSimulatorForm } from '../../features/accounts/components/add-account-forms';
import { LoginWizard } from '../../features/logins/components/login-wizard';
import { useI18n } from '../../lib/i18n';

/** Sources: every account with its live status, and adding bots and simulators. */
export function SourcesRoute() {
  const { t } = useI18n();
  return (
    <div className="admin-columns">
      <section aria-labelledby="sources-title">
        <h1 id="sources-title">{t('sources.heading')}</h1>
        <AccountList />
      </section>
      <aside className="admin-side">
        <AddBotForm />
        <LoginWizard />
        <AddSimulatorForm />
      </aside>
    </div>
  );
}
