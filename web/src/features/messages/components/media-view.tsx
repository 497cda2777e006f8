import { useEffect, useRef, useState } from 'react';
import type { Message } from '../../../api/types';
import { Button } from '../../../components/ui/button';
import { useI18n, type Translate } from '../../../lib/i18n';

type Media = Message['media'][number];

const IMAGE = /^image\/(?!svg)/;

/**
 * A file of a message: images inline (a click opens them larger), audio and video playable, anything else a
 * download link with its size. `sticker`: the file is a sticker, with this emoji (shown small, no viewer).
 */
export function MediaView({ media, sticker }: { media: Media; sticker?: string }) {
  const { t } = useI18n();
  const name = media.file_name ?? t('media.file', { kind: media.kind });
  if (media.status === 'failed' || media.status === 'too_large') return <p className="media-note">{t('media.failed', { reason: media.status_reason ?? '' })}</p>;
  if (media.status !== 'ready') return <p className="media-note">{t('media.pending', { name })}</p>;
  const mime = media.mime_type ?? '';
  if (sticker !== undefined || media.kind === 'sticker') {
    const label = t('media.sticker', { emoji: sticker ?? '' }).trim();
    if (IMAGE.test(mime)) return <img className="media-sticker" src={media.url} alt={label} loading="lazy" />;
    if (mime.startsWith('video/')) return <video className="media-sticker" src={media.url} autoPlay loop muted playsInline aria-label={label} />;
    return <p className="media-sticker-text" role="img" aria-label={label}>{sticker || label}</p>;
  }
  if (media.kind === 'photo' || (media.kind === 'document' && IMAGE.test(mime))) {
    return <ImageView url={media.url} alt={media.file_name ?? t('media.photo')} />;
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

/** An inline image; a click shows it larger in a modal dialog that Esc, its button or a click outside closes. */
function ImageView({ url, alt }: { url: string; alt: string }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (open && element && !element.open) element.showModal();
  }, [open]);
  return (
    <>
      <button type="button" className="media-image-link" title={t('media.enlarge')} onClick={() => setOpen(true)}>
        <img className="media-image" src={url} alt={alt} loading="lazy" />
      </button>
      {open && (
        <dialog
          ref={dialog}
          className="image-viewer"
          aria-label={t('media.viewer', { name: alt })}
          onClose={() => setOpen(false)}
          onClick={(event) => {
            if (event.target === event.currentTarget) dialog.current?.close();
          }}
        >
          <img className="image-viewer-image" src={url} alt={alt} />
          <p className="image-viewer-actions">
            <a href={url} target="_blank" rel="noreferrer">
              {t('media.openOriginal')}
            </a>{' '}
            <Button className="button-secondary" onClick={() => dialog.current?.close()}>
              {t('media.closeViewer')}
            </Button>
          </p>
        </dialog>
      )}
    </>
  );
}

export function fileSize(bytes: number, t: Translate): string {
  if (bytes < 1024) return t('media.bytes', { size: bytes });
  if (bytes < 1024 * 1024) return t('media.kilobytes', { size: Math.round(bytes / 102.4) / 10 });
  return t('media.megabytes', { size: Math.round(bytes / 104857.6) / 10 });
}
