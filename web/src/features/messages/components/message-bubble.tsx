import type { Message } from '../../../api/types';
import { useI18n } from '../../../lib/i18n';
import { useRetryMessage } from '../api/retry-message';

export function MessageBubble({ message }: { message: Message }) {
  const { t, time } = useI18n();
  const text = message.text ?? (message.media.length > 0 ? t('message.media', { kind: message.kind }) : '');
  return (
    <li className={`bubble bubble-${message.direction}`} aria-label={message.direction === 'in' ? t('message.in') : t('message.out')}>
      <p className="bubble-text">{text}</p>
      <p className="bubble-meta">
        {message.edited_at && <span>{t('message.edited')} · </span>}
        {message.deleted_at && <span>{t('message.deleted')} · </span>}
        <time dateTime={message.sent_at}>{time(message.sent_at)}</time>
        {message.direction === 'out' && <DeliveryState message={message} />}
      </p>
    </li>
  );
}

function DeliveryState({ message }: { message: Message }) {
  const { t } = useI18n();
  const retry = useRetryMessage();
  if (message.status === 'failed') {
    return (
      <span className="delivery delivery-failed" role="status">
        {' · '}
        {message.status_reason ? t('message.failed', { reason: message.status_reason }) : t('message.failedNoReason')}{' '}
        <button type="button" className="link-button" disabled={retry.isPending} onClick={() => retry.mutate(message.id)}>
          {t('message.retry')}
        </button>
      </span>
    );
  }
  const label = message.read_at ? t('message.read') : message.status === 'sent' ? t('message.sent') : t('message.sending');
  const mark = message.read_at ? '✓✓' : message.status === 'sent' ? '✓' : '…';
  return (
    <span className={`delivery delivery-${message.status ?? 'sent'}`} role="status" aria-label={label} title={label}>
      {' '}
      {mark}
    </span>
  );
}
