import { ApiError } from '../../lib/api-client';
import { useI18n } from '../../lib/i18n';

/** Any failure in words: the server's own message, or that it cannot be reached. Never a blank screen. */
export function ErrorMessage({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const { t } = useI18n();
  const reason = error instanceof ApiError && typeof error.details.reason === 'string' ? ` (${error.details.reason})` : '';
  const text = error instanceof ApiError && error.status === 0 ? t('error.network') : t('error.generic', { message: error.message + reason });
  return (
    <div role="alert" className="error">
      <p>{text}</p>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          {t('error.retry')}
        </button>
      )}
    </div>
  );
}
