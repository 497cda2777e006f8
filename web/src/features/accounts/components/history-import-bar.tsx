import type { Account } from '../../../api/types';
import { useI18n } from '../../../lib/i18n';

/** A personal account's history import while it runs: a bar, and the chats done in words. */
export function HistoryImportBar({ progress }: { progress: NonNullable<Account['history_import']> }) {
  const { t } = useI18n();
  const words = t('account.historyImportDone', { done: progress.done, total: progress.total });
  return (
    <div className="history-import">
      <progress value={progress.done} max={Math.max(progress.total, 1)} aria-label={t('account.historyImport')} aria-valuetext={words} />
      <span className="muted">{words}</span>
    </div>
  );
}
