import { useEffect, useRef, useState, type ClipboardEvent, type FormEvent, type KeyboardEvent } from 'react';
import type { Chat } from '../../../api/types';
import { Button } from '../../../components/ui/button';
import { ErrorMessage } from '../../../components/ui/error-message';
import { useI18n } from '../../../lib/i18n';
import { useSendMessage } from '../api/send-message';
import { readDraft, saveDraft } from '../lib/drafts';
import { setReplyTarget, useReplyTarget } from '../lib/reply-target';
import { fileSize } from './media-view';
import { summary } from './message-bubble';

const newKey = () => `web-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

/**
 * Enter sends, Shift+Enter starts a new line; a file comes by the attach button or by pasting an image, and goes
 * with the text as its caption, or is dropped onto the conversation. The text is kept per chat while unsent, and
 * comes back if the server refuses it. A bubble's Reply makes the next message answer it (Esc cancels).
 */
export function Composer({ chat }: { chat: Chat }) {
  const { t } = useI18n();
  const send = useSendMessage();
  const [text, setTextState] = useState(() => readDraft(chat.id));
  const [file, setFile] = useState<File | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const textarea = useRef<HTMLTextAreaElement>(null);
  const replyTo = useReplyTarget(chat.id);
  const [dragging, setDragging] = useState(false);
  // A source that is down cannot send: the composer says why instead (its status comes with the chat, live).
  const sourceDown = chat.account.status !== 'active' && chat.account.status !== 'connecting';
  const blocked = chat.is_blocked || sourceDown;

  useEffect(() => {
    if (replyTo) textarea.current?.focus();
  }, [replyTo]);

  // A file dropped anywhere on the open conversation is attached (the composer's own part of the page).
  useEffect(() => {
    const area = form.current?.closest<HTMLElement>('.conversation');
    if (!area || blocked) return;
    const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    const onOver = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
      setDragging(true);
    };
    const onLeave = (event: DragEvent) => {
      if (!event.relatedTarget || !area.contains(event.relatedTarget as Node)) setDragging(false);
    };
    const onDrop = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      setDragging(false);
      const dropped = event.dataTransfer?.files[0];
      if (dropped) setFile(dropped);
      textarea.current?.focus();
    };
    area.addEventListener('dragover', onOver);
    area.addEventListener('dragleave', onLeave);
    area.addEventListener('drop', onDrop);
    return () => {
      area.removeEventListener('dragover', onOver);
      area.removeEventListener('dragleave', onLeave);
      area.removeEventListener('drop', onDrop);
    };
  }, [blocked]);

  const setText = (value: string) => {
    setTextState(value);
    saveDraft(chat.id, value);
  };
  const submit = () => {
    if (blocked) return;
    const body = text.trim();
    if (!body && !file) return;
    const attached = file;
    const answered = replyTo;
    setText('');
    setFile(null);
    setReplyTarget(chat.id, null);
    send.mutate(
      { chatId: chat.id, text: body, idempotencyKey: newKey(), ...(attached && { file: attached }), ...(answered && { replyToId: answered.id }) },
      {
        onError: () => {
          setText(body);
          setFile(attached);
          setReplyTarget(chat.id, answered);
        },
      },
    );
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Escape' && replyTo) {
      event.preventDefault();
      setReplyTarget(chat.id, null);
      return;
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };
  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const image = [...event.clipboardData.files].find((f) => f.type.startsWith('image/'));
    if (!image) return;
    event.preventDefault();
    setFile(image.name ? image : new File([image], `pasted.${image.type.split('/')[1] ?? 'png'}`, { type: image.type }));
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit();
  };

  return (
    <form ref={form} className={`composer${dragging ? ' composer-dragging' : ''}`} onSubmit={onSubmit}>
      {dragging && <p className="drop-hint" role="status">{t('composer.dropHere')}</p>}
      {replyTo && (
        <p className="composer-reply" role="status" aria-label={t('composer.replyingTo', { text: summary(replyTo, t) })}>
          <span className="composer-reply-text">
            {t('composer.replyingTo', { text: summary(replyTo, t) })}
          </span>{' '}
          <button type="button" className="link-button" onClick={() => setReplyTarget(chat.id, null)}>
            {t('composer.cancelReply')}
          </button>
        </p>
      )}
      {chat.is_blocked && <p role="status" className="muted">{t('composer.blocked')}</p>}
      {sourceDown && (
        <p role="status" className="composer-down">
          {t('composer.sourceDown', { source: chat.account.title, status: t(`account.status.${chat.account.status}`) })}
          {chat.account.status_reason && <span className="muted"> {chat.account.status_reason}</span>}
        </p>
      )}
      {send.error && <ErrorMessage error={send.error} />}
      {file && (
        <p className="attachment" role="status" aria-label={t('composer.attached', { name: file.name })}>
          {file.name} <span className="muted">· {fileSize(file.size, t)}</span>{' '}
          <button type="button" className="link-button" onClick={() => setFile(null)}>
            {t('composer.removeFile')}
          </button>
        </p>
      )}
      <input
        ref={picker}
        type="file"
        className="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        onChange={(event) => {
          const chosen = event.target.files?.[0];
          if (chosen) setFile(chosen);
          event.target.value = '';
        }}
      />
      <Button className="button-secondary" disabled={blocked} onClick={() => picker.current?.click()} aria-label={t('composer.attach')} title={t('composer.attach')}>
        <svg className="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5" />
        </svg>
      </Button>
      <textarea
        ref={textarea}
        aria-label={t('composer.label')}
        placeholder={file ? t('composer.caption') : t('composer.placeholder')}
        rows={2}
        value={text}
        disabled={blocked}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
      />
      <Button type="submit" disabled={blocked || (!text.trim() && !file)}>
        {t('composer.send')}
      </Button>
    </form>
  );
}
