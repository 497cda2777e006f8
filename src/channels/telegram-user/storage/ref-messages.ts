// mtcute's message references (where a peer was last seen, to resolve "min" peers of channels) for one account.
import type { IReferenceMessagesRepository } from '@mtcute/core';
import type { SessionContext } from './tables.js';

export class SessionRefMessages implements IReferenceMessagesRepository {
  constructor(private readonly context: SessionContext) {}

  async store(peerId: number, chatId: number, msgId: number): Promise<void> {
    const { db, dialect, accountId } = this.context;
    const insert = db.insertInto('mtproto_ref_messages').values({ account_id: accountId, peer_id: peerId, chat_id: chatId, msg_id: msgId });
    await (dialect === 'mysql'
      ? insert.onDuplicateKeyUpdate({ msg_id: msgId })
      : insert.onConflict((conflict) => conflict.doNothing())
    ).execute();
  }

  async getByPeer(peerId: number): Promise<[number, number] | null> {
    const { db, accountId } = this.context;
    const row = await db
      .selectFrom('mtproto_ref_messages')
      .select(['chat_id', 'msg_id'])
      .where('account_id', '=', accountId)
      .where('peer_id', '=', peerId)
      .orderBy('msg_id', 'desc')
      .executeTakeFirst();
    return row ? [Number(row.chat_id), Number(row.msg_id)] : null;
  }

  async delete(chatId: number, msgIds: number[]): Promise<void> {
    if (msgIds.length === 0) return;
    const { db, accountId } = this.context;
    await db
      .deleteFrom('mtproto_ref_messages')
      .where('account_id', '=', accountId)
      .where('chat_id', '=', chatId)
      .where('msg_id', 'in', msgIds)
      .execute();
  }

  async deleteByPeer(peerId: number): Promise<void> {
    const { db, accountId } = this.context;
    await db.deleteFrom('mtproto_ref_messages').where('account_id', '=', accountId).where('peer_id', '=', peerId).execute();
  }

  async deleteAll(): Promise<void> {
    const { db, accountId } = this.context;
    await db.deleteFrom('mtproto_ref_messages').where('account_id', '=', accountId).execute();
  }
}
