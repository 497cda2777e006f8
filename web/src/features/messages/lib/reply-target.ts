// The message the composer answers, per chat: chosen by a bubble's Reply action, shown and sent by the composer.
import { useSyncExternalStore } from 'react';
import type { Message } from '../../../api/types';

const targets = new Map<number, Message>();
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function setReplyTarget(chatId: number, message: Message | null): void {
  if (message) targets.set(chatId, message);
  else targets.delete(chatId);
  for (const listener of listeners) listener();
}

export function useReplyTarget(chatId: number): Message | null {
  return useSyncExternalStore(subscribe, () => targets.get(chatId) ?? null);
}

/** Scrolls to a loaded message and highlights it for a moment; false when it is not in the page. */
export function jumpToMessage(messageId: number): boolean {
  const element = document.getElementById(`message-${messageId}`);
  if (!element) return false;
  element.scrollIntoView({ block: 'center' });
  element.classList.remove('bubble-highlight');
  void element.offsetWidth; // restart the highlight when jumped to again
  element.classList.add('bubble-highlight');
  element.focus({ preventScroll: true });
  window.setTimeout(() => element.classList.remove('bubble-highlight'), 2000);
  return true;
}
