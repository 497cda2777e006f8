import type { Message } from '../../../api/types';
import { useI18n, type Translate } from '../../../lib/i18n';
import { useRetryMessage } from '../api/retry-message';
import { jumpToMessage, setReplyTarget } from '../lib/reply-target';
import { MediaView } from './media-view';

/** `replyTo`: the quoted message when it is loaded, `null` when it is not (older, or deleted). */
export function MessageBubble({ message, replyTo, author }: { message: Message; replyTo?: Message | null; author?: string | undefined }) {
  const { t, time } = useI18n();
  const text = message.text ?? (message.media.length > 0 || message.kind === 'location' ? null : '');
  return (
    <li
      id={`message-${message.id}`}
      tabIndex={-1}
      className={`bubble bubble-${message.direction}${message.deleted_at ? ' bubble-deleted' : ''}`}
      aria-label={message.direction === 'in' ? t('message.in') : t('message.out')}
    >
      {author && <p className="bubble-author">{author}</p>}
      {replyTo !== undefined && (
        <blockquote className="reply-quote" aria-label={t('message.replyTo')}>
          {replyTo ? (
            <button type="button" className="reply-quote-jump" title={t('message.showOriginal')} onClick={() => jumpToMessage(replyTo.id)}>
              {summary(replyTo, t)}
            </button>
          ) : (
            t('message.replyToUnknown')
          )}
        </blockquote>
      )}
      {message.media.map((media) => (
        <MediaView key={media.id} media={media} {...(message.kind === 'sticker' && { sticker: stickerEmoji(message) })} />
      ))}
      {message.kind === 'location' && <LocationView message={message} />}
      {text !== null && text !== '' && <p className="bubble-text">{text}</p>}
      <p className="bubble-meta">
        {!message.deleted_at && (
          <>
            <button type="button" className="link-button bubble-action" onClick={() => setReplyTarget(message.chat_id, message)}>
              {t('message.reply')}
            </button>
            {' · '}
          </>
        )}
        {message.edited_at && <span>{t('message.edited')} · </span>}
        {message.deleted_at && <span>{t('message.deleted')} · </span>}
        <time dateTime={message.sent_at}>{time(message.sent_at)}</time>
        {message.direction === 'out' && <DeliveryState message={message} />}
      </p>
    </li>
  );
}

/** One line saying what a message is: its text, or its kind. */
export function summary(message: Message, t: Translate): string {
  return message.text || t('message.media', { kind: message.kind });
}

function stickerEmoji(message: Message): string {
  const emoji = (message.payload as { emoji?: unknown } | null)?.emoji;
  return typeof emoji === 'string' ? emoji : '';
}

/** A shared location: its venue if any, and a link to the point on OpenStreetMap. */
function LocationView({ message }: { message: Message }) {
  const { t } = useI18n();
  const payload = (message.payload ?? {}) as { latitude?: unknown; longitude?: unknown; venue?: { title?: unknown; address?: unknown } };
  const { latitude, longitude } = payload;
  if (typeof latitude !== 'number' || typeof longitude !== 'number') return <p className="bubble-text">{t('message.media', { kind: 'location' })}</p>;
  const venue = [payload.venue?.title, payload.venue?.address].filter((part): part is string => typeof part === 'string' && part !== '').join(', ');
  const url = `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=16/${latitude}/${longitude}`;
  return (
    <p className="bubble-text">
      {venue && <span>{venue} · </span>}
      <a href={url} target="_blank" rel="noreferrer noopener">
        {t('message.location', { latitude: latitude.toFixed(5), longitude: longitude.toFixed(5) })}
      </a>
    </p>
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
