// Unsent text per chat, kept for the browser tab's session: switching chats (or reloading) does not lose it.
const key = (chatId: number) => `parley.draft.${chatId}`;

export function readDraft(chatId: number): string {
  try {
    return sessionStorage.getItem(key(chatId)) ?? '';
  } catch {
    return '';
  }
}

export function saveDraft(chatId: number, text: string): void {
  try {
    if (text) sessionStorage.setItem(key(chatId), text);
    else sessionStorage.removeItem(key(chatId));
  } catch {
    // storage full or blocked: the draft lives only while the composer is open
  }
}
