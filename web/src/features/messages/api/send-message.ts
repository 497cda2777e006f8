import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Message } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';
import { putMessage } from './message-cache';
import { replyToMessage } from './reply-message';

export interface Outgoing {
  chatId: number;
  /** The text, or the caption of `file` (may then be empty). */
  text: string;
  /** The same key on a repeated request sends the message once. */
  idempotencyKey: string;
  /** Sent as multipart/form-data to the same endpoint; its type decides the kind (photo, video, document…). */
  file?: File;
  /** When set, sent as a reply to that message (`POST /api/messages/{id}/reply/`). */
  replyToId?: number;
}

export async function sendMessage({ chatId, text, idempotencyKey, file }: Outgoing): Promise<Message> {
  const path = { id: chatId };
  if (!file) {
    return unwrap(api.POST('/api/chats/{id}/messages/', { params: { path }, body: { text, idempotency_key: idempotencyKey } }));
  }
  const form = new FormData();
  form.set('text', text);
  form.set('idempotency_key', idempotencyKey);
  form.set('file', file, file.name);
  return unwrap(
    api.POST('/api/chats/{id}/messages/', {
      params: { path },
      body: { text, idempotency_key: idempotencyKey },
      bodySerializer: () => form,
    }),
  );
}

/** The answer only adds the message: once its frames have arrived they are newer than the answer. */
export function useSendMessage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ replyToId, ...outgoing }: Outgoing) =>
      replyToId === undefined ? sendMessage(outgoing) : replyToMessage({ ...outgoing, messageId: replyToId }),
    onSuccess: (message) => putMessage(queryClient, message, () => false),
  });
}
