import { useState, type FormEvent } from 'react';
import type { WorkspaceSettings } from '../../../api/types';
import { Button } from '../../../components/ui/button';
import { ErrorMessage } from '../../../components/ui/error-message';
import { useI18n } from '../../../lib/i18n';
import { useSettings } from '../api/get-settings';
import { useUpdateSettings } from '../api/update-settings';

const POLICIES = ['none', 'round_robin', 'least_loaded'] as const;

export function SettingsPanel() {
  const { t } = useI18n();
  const settings = useSettings();
  if (settings.error) return <ErrorMessage error={settings.error} onRetry={() => void settings.refetch()} />;
  if (!settings.data) return <p className="muted">{t('app.loading')}</p>;
  return <SettingsForm settings={settings.data} />;
}

/** The workspace's settings: how chats are assigned, what operators see, how long messages are kept. */
function SettingsForm({ settings }: { settings: WorkspaceSettings }) {
  const { t } = useI18n();
  const update = useUpdateSettings();
  const [policy, setPolicy] = useState(settings.auto_assignment);
  const [seeUnassigned, setSeeUnassigned] = useState(settings.operators_see_unassigned);
  const [retention, setRetention] = useState(settings.retention_days === null ? '' : String(settings.retention_days));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ auto_assignment: policy, operators_see_unassigned: seeUnassigned, retention_days: retention === '' ? null : Number(retention) });
  };
  return (
    <form className="admin-form settings-form" onSubmit={submit} aria-label={t('settings.heading')}>
      <label>
        {t('settings.autoAssignment')}
        <select value={policy} onChange={(event) => setPolicy(event.target.value as typeof policy)}>
          {POLICIES.map((name) => (
            <option key={name} value={name}>
              {t(`settings.policy.${name}`)}
            </option>
          ))}
        </select>
      </label>
      <p className="muted hint">{t('settings.autoAssignmentHint')}</p>
      <label className="check">
        <input type="checkbox" checked={seeUnassigned} onChange={(event) => setSeeUnassigned(event.target.checked)} />
        {t('settings.seeUnassigned')}
      </label>
      <label>
        {t('settings.retention')}
        <input type="number" min={1} max={36500} value={retention} onChange={(event) => setRetention(event.target.value)} placeholder={t('settings.keepForever')} />
      </label>
      <p className="muted hint">{t('settings.retentionHint')}</p>
      <div className="form-actions">
        <Button type="submit" disabled={update.isPending}>
          {t('form.save')}
        </Button>
        {update.isSuccess && !update.isPending && <span role="status">{t('settings.saved')}</span>}
      </div>
      {update.error && <ErrorMessage error={update.error} />}
    </form>
  );
}
