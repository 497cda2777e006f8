// Shortcuts for inbox stories: a running simulator account and customers writing into it.
import { expect } from 'vitest';
import type { Api, Json } from './api.js';

let customerSeq = 0;

export async function createSimulator(admin: Api, title = 'Shop simulator'): Promise<Json> {
  const { body } = await admin.post('/api/accounts/', { type: 'simulator', title }).expect(201);
  expect(body.status).toBe('active');
  return body;
}

export interface Customer {
  id: string;
  name: string;
}

export function newCustomer(name = 'Иван Петров'): Customer {
  customerSeq += 1;
  return { id: String(7_000_000 + process.pid * 1000 + customerSeq), name };
}

/** The customer writes; returns the stored message and chat as the API shows them. */
export async function customerWrites(admin: Api, accountId: number, from: Customer, text: string, messageId?: string): Promise<{ message: Json; chat: Json; stored: boolean }> {
  const { body } = await admin
    .post(`/api/accounts/${accountId}/simulate/`, { from, text, ...(messageId && { message_id: messageId }) })
    .expect(201);
  return body;
}
