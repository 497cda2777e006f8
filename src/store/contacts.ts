import type { Selectable } from 'kysely';
import type { Contact, ContactProfile, Network } from '../domain/contact.js';
import type { ContactId, ExternalId } from '../domain/ids.js';
import { searchText } from '../domain/message.js';
import type { Executor } from './db.js';
import { isUniqueViolation } from './errors.js';
import { toDate, toIdString, toNumber } from './rows.js';
import type { ContactsTable } from './schema.js';

type Row = Selectable<ContactsTable>;

export function toContact(row: Row): Contact {
  return {
    id: toNumber(row.id) as ContactId,
    network: row.network as Network,
    externalId: toIdString(row.external_id) as ExternalId,
    firstName: row.first_name,
    lastName: row.last_name,
    username: row.username,
    phone: row.phone,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

const contactSearchText = (p: ContactProfile) => searchText(p.firstName, p.lastName, p.username, p.phone);

/** One contact per (network, external user id), shared by every account and bot that talks to him. */
export class ContactRepository {
  /**
   * Inserts the contact or refreshes his names. Concurrent first messages from the same person both try the
   * insert; the loser reads the winner's row (a unique violation does not abort the transaction).
   */
  async upsert(executor: Executor, network: Network, profile: ContactProfile): Promise<ContactId> {
    const existing = await this.find(executor, network, profile.externalId);
    if (existing) {
      await this.refresh(executor, existing, profile);
      return existing.id;
    }
    const now = Date.now();
    try {
      const result = await executor
        .insertInto('contacts')
        .values({
          network,
          external_id: profile.externalId,
          first_name: profile.firstName,
          last_name: profile.lastName,
          username: profile.username,
          phone: profile.phone,
          search_text: contactSearchText(profile),
          created_at: now,
          updated_at: now,
        })
        .executeTakeFirstOrThrow();
      return Number(result.insertId) as ContactId;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const winner = await this.find(executor, network, profile.externalId);
      if (!winner) throw error;
      return winner.id;
    }
  }

  async find(executor: Executor, network: Network, externalId: ExternalId): Promise<Contact | undefined> {
    const row = await executor
      .selectFrom('contacts')
      .selectAll()
      .where('network', '=', network)
      .where('external_id', '=', externalId)
      .executeTakeFirst();
    return row && toContact(row);
  }

  async findByIds(executor: Executor, ids: ContactId[]): Promise<Map<ContactId, Contact>> {
    if (ids.length === 0) return new Map();
    const rows = await executor.selectFrom('contacts').selectAll().where('id', 'in', ids).execute();
    return new Map(rows.map((row) => [toNumber(row.id) as ContactId, toContact(row)]));
  }

  /** Names change; a phone learned once is kept when a later update does not carry it. */
  private async refresh(executor: Executor, current: Contact, profile: ContactProfile): Promise<void> {
    const next: ContactProfile = { ...profile, phone: profile.phone ?? current.phone };
    const changed =
      current.firstName !== next.firstName ||
      current.lastName !== next.lastName ||
      current.username !== next.username ||
      current.phone !== next.phone;
    if (!changed) return;
    await executor
      .updateTable('contacts')
      .set({
        first_name: next.firstName,
        last_name: next.lastName,
        username: next.username,
        phone: next.phone,
        search_text: contactSearchText(next),
        updated_at: Date.now(),
      })
      .where('id', '=', current.id)
      .execute();
  }
}
