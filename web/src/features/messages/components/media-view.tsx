import type { Message } from '../../../api/types';
import { useI18n, type Translate } from '../../../lib/i18n';

type Media = Message['media'][number];

const IMAGE = /^image\/(?!svg)/;

/** A file of a message: images inline, audio and video playable, anything else a download link with its size. */
export function MediaView({ media }: { media: Media }) {
  const { t } = useI18n();
  const name = media.file_name ?? t('media.file', { kind: media.kind });
  if (media.status === 'failed' || media.status === 'too_large') return <p className="media-note">{t('media.failed', { reason: media.status_reason ?? '' })}</p>;
  if (media.status !== 'ready') return <p className="media-note">{t('media.pending', { name })}</p>;
  const mime = media.mime_type ?? '';
  if (media.kind === 'photo' || (media.kind === 'sticker' && IMAGE.test(mime)) || (media.kind === 'document' && IMAGE.test(mime))) {
    return (
      <a href={media.url} target="_blank" rel="noreferrer" className="media-image-link">
        <img className="media-image" src={media.url} alt={media.file_name ?? t('media.photo')} loading="lazy" />
      </a>
    );
  }
  if (media.kind === 'video' || media.kind === 'animation' || media.kind === 'video_note' || mime.startsWith('video/')) {
    return <video className="media-video" src={media.url} controls preload="metadata" aria-label={name} />;
  }
  if (media.kind === 'voice' || media.kind === 'audio' || mime.startsWith('audio/')) {
    return <audio className="media-audio" src={media.url} controls preload="metadata" aria-label={name} />;
  }
  return (
    <a className="media-document" href={media.url} download={media.file_name ?? undefined}>
      {name}
      {media.size !== null && <span className="muted"> · {fileSize(media.size, t)}</span>}
    </a>
  );
}

export function fileSize(bytes: number, t: Translate): string {
  if (bytes < 1024) return t('media.bytes', { size: bytes });
  if (bytes < 1024 * 1024) return t('media.kilobytes', { size: Math.round(bytes / 102.4) / 10 });
  return t('media.megabytes', { size: Math.round(bytes / 104857.6) / 10 });
}
