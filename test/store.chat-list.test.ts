// The chat list reads an operator's own chats and the unassigned ones as two ordered pages and merges them: the
// pages it returns must be exactly the chats the visibility rule lets him see, newest activity first, each once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperatorId } from '../src/domain/ids.js';
import { canSee, type Scope } from '../src/domain/visibility.js';
import { ChatRepository, type ChatFilters } from '../src/store/chats.js';
import { DIALECTS, openTestDatabase, type TestDatabase } from './support/database.js';

describe.each(DIALECTS)('the chat list on %s', (dialect) => {
  let database: TestDatabase;
  const chats: { id: number; assigneeId: number | null; status: string; at: number; deletedAt: number | null }[] = [];
  const me = 2 as OperatorId;

  beforeAll(async () => {
    database = await openTestDatabase(dialect);
    const { db } = database;
    const now = Date.now();
    await db.insertInto('operators').values([1, 2, 3].map((id) => ({ id, username: `op${id}`, deleted_id: 0, display_name: `Op ${id}`, password_hash: 'x', role: 'operator', created_at: now, updated_at: now }))).execute();
    // explicit ids (the ids the expectations name): rows built first, as Kysely's insert types leave ids out
    const account = { id: 1, type: 'simulator', title: 'Line', status: 'stopped', desired_state: 'stopped', settings: '{}', created_at: now, updated_at: now };
    await db.insertInto('accounts').values(account).execute();
    for (let id = 1; id <= 60; id++) {
      // activity repeats across chats so that the keyset's tie-break on the id is exercised too
      const chat = { id, assigneeId: [2, 3, null][id % 3]!, status: ['open', 'pending', 'resolved'][id % 5 % 3]!, at: now - (id % 17) * 1000, deletedAt: id % 11 === 0 ? now : null };
      chats.push(chat);
      const row = { id, account_id: 1, external_id: String(id), type: 'private', title: `Chat ${id}`, status: chat.status, assignee_id: chat.assigneeId, last_activity_at: chat.at, unread_count: 0, search_text: `chat ${id}`, created_at: now, updated_at: now, deleted_at: chat.deletedAt, is_blocked: 0 as const };
      await db.insertInto('chats').values(row).execute();
    }
  });
  afterAll(async () => {
    await database.dispose();
  });

  async function everyPage(scope: Scope, filters: ChatFilters): Promise<number[]> {
    const repository = new ChatRepository(database);
    const ids: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await repository.list(scope, filters, { limit: 4, ...(cursor && { cursor }) });
      ids.push(...page.results.map((view) => view.chat.id as number));
      cursor = page.next ?? undefined;
    } while (cursor);
    return ids;
  }

  const expected = (scope: Scope, keep: (chat: (typeof chats)[number]) => boolean) =>
    chats
      .filter((chat) => canSee(scope, { assigneeId: chat.assigneeId as OperatorId | null, deletedAt: chat.deletedAt === null ? null : new Date(chat.deletedAt) }) && keep(chat))
      .sort((a, b) => b.at - a.at || b.id - a.id)
      .map((chat) => chat.id);

  it('pages an operator who sees unassigned chats through his own and the unassigned ones, newest first', async () => {
    const scope: Scope = { kind: 'assigned', operatorId: me, includeUnassigned: true };
    expect(await everyPage(scope, {})).toEqual(expected(scope, () => true));
    expect(await everyPage(scope, { status: 'pending' })).toEqual(expected(scope, (chat) => chat.status === 'pending'));
  });

  it('pages the tabs and an operator who sees only his own chats the same way', async () => {
    const own: Scope = { kind: 'assigned', operatorId: me, includeUnassigned: false };
    const wide: Scope = { ...own, includeUnassigned: true };
    expect(await everyPage(own, {})).toEqual(expected(own, () => true));
    expect(await everyPage(wide, { assigneeId: null })).toEqual(expected(wide, (chat) => chat.assigneeId === null));
    expect(await everyPage(wide, { assigneeId: me })).toEqual(expected(wide, (chat) => chat.assigneeId === me));
  });
});
