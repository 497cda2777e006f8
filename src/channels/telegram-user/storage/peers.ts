// mtcute's peer cache (users and chats with their access hashes) for one account. mtcute stores the peers of
// every answer and then calls save(), so writes are collected and flushed there, in one transaction; peers
// whose cached form did not change are not written again.
import type { IPeersRepository } from '@mtcute/core';
import type { SessionContext, SessionExecutor } from './tables.js';
import { orUpdate } from '../../../store/upsert.js';

type PeerInfo = IPeersRepository.PeerInfo;

interface PeerRow {
  peer_id: unknown;
  access_hash: string;
  is_min: unknown;
  usernames: string;
  phone: string | null;
  updated: unknown;
  complete: string;
}

const REMEMBERED_LIMIT = 10_000;

function toPeer(row: PeerRow): PeerInfo {
  return {
    id: Number(row.peer_id),
    accessHash: row.access_hash,
    isMin: Number(row.is_min) !== 0,
    usernames: JSON.parse(row.usernames) as string[],
    updated: Number(row.updated),
    ...(row.phone !== null && { phone: row.phone }),
    complete: new Uint8Array(Buffer.from(row.complete, 'base64')),
  };
}

/** What a row holds, to tell a changed peer from one mtcute merely saw again. */
function signature(peer: PeerInfo): string {
  return [peer.accessHash, peer.isMin, peer.usernames.join(','), peer.phone ?? '', Buffer.from(peer.complete).toString('base64')].join('|');
}

export class SessionPeers implements IPeersRepository {
  private readonly pending = new Map<number, PeerInfo>();
  private readonly written = new Map<number, string>();

  constructor(private readonly context: SessionContext) {}

  store(peer: PeerInfo): void {
    if (this.written.get(peer.id) === signature(peer)) {
      this.pending.delete(peer.id);
      return;
    }
    this.pending.set(peer.id, peer);
  }

  async getById(id: number): Promise<PeerInfo | null> {
    const pending = this.pending.get(id);
    if (pending) return pending;
    const row = await this.select().where('peer_id', '=', id).executeTakeFirst();
    return row ? toPeer(row) : null;
  }

  async getByUsername(username: string): Promise<PeerInfo | null> {
    const name = username.toLowerCase();
    const pending = [...this.pending.values()].find((p) => !p.isMin && p.usernames.includes(name));
    if (pending) return pending;
    const { db, accountId } = this.context;
    const row = await db
      .selectFrom('mtproto_usernames as u')
      .innerJoin('mtproto_peers as p', (join) => join.onRef('p.account_id', '=', 'u.account_id').onRef('p.peer_id', '=', 'u.peer_id'))
      .select(['p.peer_id', 'p.access_hash', 'p.is_min', 'p.usernames', 'p.phone', 'p.updated', 'p.complete'])
      .where('u.account_id', '=', accountId)
      .where('u.username', '=', name)
      .where('p.is_min', '=', 0)
      .executeTakeFirst();
    return row ? toPeer(row) : null;
  }

  async getByPhone(phone: string): Promise<PeerInfo | null> {
    const pending = [...this.pending.values()].find((p) => !p.isMin && p.phone === phone);
    if (pending) return pending;
    const row = await this.select().where('phone', '=', phone).where('is_min', '=', 0).executeTakeFirst();
    return row ? toPeer(row) : null;
  }

  async deleteAll(): Promise<void> {
    const { db, accountId } = this.context;
    this.pending.clear();
    this.written.clear();
    await db.transaction().execute(async (trx) => {
      await trx.deleteFrom('mtproto_usernames').where('account_id', '=', accountId).execute();
      await trx.deleteFrom('mtproto_peers').where('account_id', '=', accountId).execute();
    });
  }

  /** Writes what mtcute stored since the last flush, in one transaction. */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const peers = [...this.pending.values()];
    this.pending.clear();
    await this.context.db.transaction().execute(async (trx) => {
      for (const peer of peers) await this.write(trx, peer);
    });
    if (this.written.size > REMEMBERED_LIMIT) this.written.clear();
    for (const peer of peers) this.written.set(peer.id, signature(peer));
  }

  private select() {
    const { db, accountId } = this.context;
    return db
      .selectFrom('mtproto_peers')
      .select(['peer_id', 'access_hash', 'is_min', 'usernames', 'phone', 'updated', 'complete'])
      .where('account_id', '=', accountId);
  }

  private async write(trx: SessionExecutor, peer: PeerInfo): Promise<void> {
    const { dialect, accountId } = this.context;
    const usernames = peer.usernames.map((u) => u.toLowerCase());
    const columns = {
      access_hash: peer.accessHash,
      is_min: peer.isMin ? 1 : 0,
      usernames: JSON.stringify(usernames),
      phone: peer.phone ?? null,
      updated: peer.updated,
      complete: Buffer.from(peer.complete).toString('base64'),
    };
    const insert = trx.insertInto('mtproto_peers').values({ account_id: accountId, peer_id: peer.id, ...columns });
    await orUpdate(dialect, insert, ['account_id', 'peer_id'], columns).execute();

    await trx.deleteFrom('mtproto_usernames').where('account_id', '=', accountId).where('peer_id', '=', peer.id).execute();
    for (const username of usernames) {
      // a username moves to its new owner
      const claim = trx.insertInto('mtproto_usernames').values({ account_id: accountId, username, peer_id: peer.id });
      await orUpdate(dialect, claim, ['account_id', 'username'], { peer_id: peer.id }).execute();
    }
  }
}
