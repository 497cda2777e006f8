import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MessageId } from '../src/domain/ids.js';
import { createSimulator, customerWrites, newCustomer } from './support/inbox.js';
import { STACKS, useServer, type TestServer } from './support/server.js';

const DAY = 24 * 3600_000;

/** Gives a message a stored file, as a finished download would (the simulator sends none). */
async function attachFile(server: TestServer, messageId: number, content: string): Promise<string> {
  const sha256 = createHash('sha256').update(content).digest('hex');
  const relative = path.join(sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  const file = path.join(server.dataDir, 'media', relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  await server.parley.database.db
    .insertInto('media')
    .values({ message_id: messageId, kind: 'document', status: 'ready', sha256, path: relative, size: content.length, created_at: Date.now(), updated_at: Date.now() })
    .execute();
  return file;
}

async function age(server: TestServer, messageId: number, days: number): Promise<void> {
  await server.parley.database.db
    .updateTable('messages')
    .set({ sent_at: Date.now() - days * DAY })
    .where('id', '=', messageId as MessageId)
    .execute();
}

describe.each(STACKS)('retention on $name', (stack) => {
  const server = useServer(stack);

  it('deletes exactly the messages older than the setting, with files nothing else uses', async () => {
    const { admin } = server();
    const account = await createSimulator(admin);
    const customer = newCustomer();
    const old = await customerWrites(admin, account.id, customer, 'from last year');
    const borderline = await customerWrites(admin, account.id, customer, 'from 29 days ago');
    const fresh = await customerWrites(admin, account.id, customer, 'from today');
    await age(server(), old.message.id, 400);
    await age(server(), borderline.message.id, 29);
    const oldOnly = await attachFile(server(), old.message.id, 'old invoice');
    await attachFile(server(), old.message.id, 'shared logo');
    const shared = await attachFile(server(), fresh.message.id, 'shared logo');

    expect(await server().parley.retention.run()).toBe(0); // off by default: nothing is touched
    await admin.patch('/api/settings/', { retention_days: 30 }).expect(200);
    expect(await server().parley.retention.run()).toBe(1);

    await admin.get(`/api/messages/${old.message.id}/`).expect(404);
    await admin.get(`/api/messages/${borderline.message.id}/`).expect(200);
    await admin.get(`/api/messages/${fresh.message.id}/`).expect(200);
    expect(existsSync(oldOnly)).toBe(false);
    expect(existsSync(shared)).toBe(true);
    const chat = await admin.get(`/api/chats/${old.chat.id}/`).expect(200);
    expect(chat.body.last_message.text).toBe('from today');
    const audit = await admin.get('/api/audit-log/?action=retention.cleanup').expect(200);
    expect(audit.body.results[0].details).toMatchObject({ retention_days: 30, messages: 1, files: 1 });

    await admin.patch('/api/settings/', { retention_days: null }).expect(200);
    await admin.patch('/api/settings/', { retention_days: 0 }).expect(400);
  });
});
