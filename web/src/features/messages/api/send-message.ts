import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Message } from '../../../api/types';
import { api, unwrap } from '../../../lib/api-client';
import { putMessage } from './message-cache';

export interface Outgoing {
  chatId: number;
  text: string;
  /** The same key on a repeated request sends the message once. */
  idempotencyKey: string;
}

export async function sendMessage({ chatId, text, idempotencyKey }: Outgoing): Promise<Message> {
  return unwrap(
    api.POST('/api/chats/{id}/messages/', {
      params: { path: { id: chatId } },
      body: { text, idempotency_key: idempotencyKey },
    }),
  );
}

/** The answer only adds the message: once its frames have arrived they are newer than the answer. */
export function useSendMessage() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: sendMessage, onSuccess: (message) => putMessage(queryClient, message, () => false) });
}
