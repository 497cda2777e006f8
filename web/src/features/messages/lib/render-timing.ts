// Performance marks for the budget "opening a chat renders in ≤ 100 ms after its data arrives": the newest page of a
// conversation arriving, and the conversation's rows being in the page; a measure joins the two (read by the
// browser story test/web.scale.browser.test.ts through performance.getEntriesByName).
export const MESSAGES_ARRIVED = 'parley:messages-arrived';
export const CONVERSATION_RENDERED = 'parley:conversation-rendered';
export const OPEN_CHAT = 'parley:open-chat';

const arrived = new Map<number, PerformanceMark>();

export function markMessagesArrived(chatId: number): void {
  arrived.set(chatId, performance.mark(MESSAGES_ARRIVED, { detail: { chatId } }));
}

/** Called once the conversation's rows are committed to the page; measures from its newest page's arrival. */
export function markConversationRendered(chatId: number): void {
  const start = arrived.get(chatId);
  if (!start) return;
  arrived.delete(chatId);
  const end = performance.mark(CONVERSATION_RENDERED, { detail: { chatId } });
  performance.measure(OPEN_CHAT, { start: start.startTime, end: end.startTime, detail: { chatId } });
}
