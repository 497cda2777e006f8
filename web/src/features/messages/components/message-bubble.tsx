import type { Message } from '../../../api/types';
import { useI18n } from '../../../lib/i18n';
import { useRetryMessage } from '../api/retry-message';
import { MediaView } from './media-view';

/** `replyTo`: the quoted message when it is loaded, `null` when it is not (older, or deleted). */
export function MessageBubble({ message, replyTo }: { message: Message; replyTo?: Message | null }) {
  const { t, time } = useI18n();
  const text = message.text ?? (message.media.length > 0 ? null : '');
  return (
    <li
      className={`bubble bubble-${message.direction}${message.deleted_at ? ' bubble-deleted' : ''}`}
      aria-label={message.direction === 'in' ? t('message.in') : t('message.out')}
    >
      {replyTo !== undefined && (
        <blockquote className="reply-quote" aria-label={t('message.replyTo')}>
          {replyTo ? (replyTo.text ?? t('message.media', { kind: replyTo.kind })) : t('message.replyToUnknown')}
        </blockquote>
      )}
      {message.media.map((media) => (
        <MediaView key={media.id} media={media} />
      ))}
      {text !== null && text !== '' && <p className="bubble-text">{text}</p>}
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
