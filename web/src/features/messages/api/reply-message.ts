import type { Message } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';

export interface Reply {
  /** The message answered (quoted in Telegram). */
  messageId: number;
  text: string;
  idempotencyKey: string;
  file?: File;
}

/** `POST /api/messages/{id}/reply/`: JSON, or multipart/form-data with a file whose caption is the text. */
export async function replyToMessage({ messageId, text, idempotencyKey, file }: Reply): Promise<Message> {
  const path = { id: messageId };
  if (!file) {
    return unwrap(api.POST('/api/messages/{id}/reply/', { params: { path }, body: { text, idempotency_key: idempotencyKey } }));
  }
  const form = new FormData();
  form.set('text', text);
  form.set('idempotency_key', idempotencyKey);
  form.set('file', file, file.name);
  return unwrap(
    api.POST('/api/messages/{id}/reply/', {
      params: { path },
      body: { text, idempotency_key: idempotencyKey },
      bodySerializer: () => form,
    }),
  );
}
