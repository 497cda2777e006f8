// The real-time fan-out costs the operators who may see a chat, not the team: what travels on the bus and what
// the event log numbers, counted (not timed) with many operators connected.
import { describe, expect, it } from 'vitest';
import type { FramesMessage } from '../src/realtime/frames-message.js';
import type { Api } from './support/api.js';
import { createSimulator, customerWrites, newCustomer } from './support/inbox.js';
import { STACKS, useServer, type TestServer } from './support/server.js';
import { TestSocket } from './support/socket.js';

const OPERATORS = 12;

describe.each(STACKS)('real-time fan-out on $name', (stack) => {
  const server = useServer(stack);

  /** Every active operator's id (admins included), read from the database. */
  async function everyone({ parley }: TestServer): Promise<number[]> {
    const rows = await parley.database.db.selectFrom('operators').select('id').where('is_active', '=', 1).where('deleted_at', 'is', null).execute();
    return rows.map((row) => Number(row.id));
  }

  async function admins({ parley }: TestServer): Promise<number[]> {
    const rows = await parley.database.db.selectFrom('operators').select('id').where('role', '=', 'admin').where('is_active', '=', 1).where('deleted_at', 'is', null).execute();
    return rows.map((row) => Number(row.id));
  }

  async function heads({ parley }: TestServer, ids: number[]): Promise<Map<number, number>> {
    return new Map(await Promise.all(ids.map(async (id) => [id, await parley.eventLog.head(id)] as const)));
  }

  /** Records the bus's `frames` messages until the one carrying `text`'s message.created has been seen. */
  async function framesOf({ parley }: TestServer, act: (text: string) => Promise<void>): Promise<FramesMessage[]> {
    const text = `fan-out probe ${Math.random()}`;
    const seen: FramesMessage[] = [];
    let found: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => (found = resolve));
    const stop = await parley.bus.subscribe('frames', (message) => {
      seen.push(message);
      if (message.payloads.some(({ type, data }) => type === 'message.created' && (data as { text?: string }).text === text)) found();
    });
    try {
      await act(text);
      await arrived;
    } finally {
      await stop();
    }
    return seen;
  }

  async function idOf(api: Api): Promise<number> {
    return (await api.get('/api/me/').expect(200)).body.operator.id as number;
  }

  it('a message in a chat assigned to one operator is numbered and sent only for the admins and him', async () => {
    const srv = server();
    const { admin, url } = srv;
    await admin.patch('/api/settings/', { operators_see_unassigned: false }).expect(200);
    const team = await Promise.all(Array.from({ length: OPERATORS }, () => srv.operator()));
    const secondAdmin = await srv.operator({ role: 'admin' });
    const sockets = await Promise.all([...team, secondAdmin].map((api) => TestSocket.connect(url, api.token ?? '')));
    const [assignee] = team as [Api];
    const assigneeId = await idOf(assignee);
    const account = await createSimulator(admin);
    const customer = newCustomer();
    const { chat } = await customerWrites(admin, account.id, customer, 'first');
    await admin.post(`/api/chats/${chat.id}/assign/`, { operator_id: assigneeId }).expect(200);

    const ids = await everyone(srv);
    const audience = [...(await admins(srv)), assigneeId].sort();
    const before = await heads(srv, ids);
    const messages = await framesOf(srv, async (text) => void (await customerWrites(admin, account.id, customer, text)));
    const after = await heads(srv, ids);

    const frames = messages.flatMap((message) => message.frames);
    const payloads = messages.flatMap((message) => message.payloads);
    expect([...new Set(frames.map(({ operatorId }) => operatorId))].sort()).toEqual(audience);
    // The chat's new view and the message: each presented once, however many receive it.
    expect(payloads.map(({ type }) => type)).toEqual(['chat.updated', 'message.created']);
    expect(frames).toHaveLength(audience.length * 2);
    for (const id of ids) expect((after.get(id) ?? 0) - (before.get(id) ?? 0), `operator ${id}`).toBe(audience.includes(id) ? 2 : 0);

    const his = sockets[0] as TestSocket;
    const received = await his.until((frame) => frame.type === 'message.created');
    expect(received.seq).toBe(after.get(assigneeId));
    for (const socket of sockets) socket.close();
  });

  it('with operators seeing unassigned chats, an unassigned chat still reaches every operator', async () => {
    const srv = server();
    const { admin, url } = srv;
    const team = await Promise.all(Array.from({ length: 4 }, () => srv.operator()));
    await admin.patch('/api/settings/', { operators_see_unassigned: true }).expect(200);
    const sockets = await Promise.all(team.map((api) => TestSocket.connect(url, api.token ?? '')));
    const account = await createSimulator(admin);

    const ids = await everyone(srv);
    const before = await heads(srv, ids);
    const messages = await framesOf(srv, async (text) => void (await customerWrites(admin, account.id, newCustomer(), text)));
    const after = await heads(srv, ids);

    const frames = messages.flatMap((message) => message.frames);
    expect([...new Set(frames.map(({ operatorId }) => operatorId))].sort()).toEqual([...ids].sort());
    expect(messages.flatMap((message) => message.payloads).map(({ type }) => type)).toEqual(['chat.created', 'message.created']);
    for (const id of ids) expect((after.get(id) ?? 0) - (before.get(id) ?? 0), `operator ${id}`).toBe(2);
    for (const socket of sockets) {
      const created = await socket.until((frame) => frame.type === 'message.created');
      expect(created.data).toMatchObject({ direction: 'in' });
      socket.close();
    }
    await admin.patch('/api/settings/', { operators_see_unassigned: false }).expect(200);
  });
});
