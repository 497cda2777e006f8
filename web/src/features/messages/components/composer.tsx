import { useState, type FormEvent, type KeyboardEvent } from 'react';
import type { Chat } from '../../../api/types';
import { Button } from '../../../components/ui/button';
import { ErrorMessage } from '../../../components/ui/error-message';
import { useI18n } from '../../../lib/i18n';
import { useSendMessage } from '../api/send-message';

const newKey = () => `web-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

/** Enter sends, Shift+Enter starts a new line; the text comes back if the server refuses it. */
export function Composer({ chat }: { chat: Chat }) {
  const { t } = useI18n();
  const send = useSendMessage();
  const [text, setText] = useState('');

  const submit = () => {
    const body = text.trim();
    if (!body) return;
    setText('');
    send.mutate({ chatId: chat.id, text: body, idempotencyKey: newKey() }, { onError: () => setText(body) });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit();
  };

  return (
    <form className="composer" onSubmit={onSubmit}>
      {chat.is_blocked && <p role="status" className="muted">{t('composer.blocked')}</p>}
      {send.error && <ErrorMessage error={send.error} />}
      <textarea
        aria-label={t('composer.label')}
        placeholder={t('composer.placeholder')}
        rows={2}
        value={text}
        disabled={chat.is_blocked}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <Button type="submit" disabled={chat.is_blocked || !text.trim()}>
        {t('composer.send')}
      </Button>
    </form>
  );
}
