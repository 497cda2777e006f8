import type { Selectable } from 'kysely';
import type { InboundMedia } from '../channels/channel.js';
import type { AccountId, MediaId, MessageId } from '../domain/ids.js';
import type { Media, MediaStatus, MessageKind } from '../domain/message.js';
import type { Database, Executor } from './db.js';
import { toNumber, toNumberOrNull } from './rows.js';
import type { MediaTable } from './schema.js';

type Row = Selectable<MediaTable>;

export function toMedia(row: Row): Media {
  return {
    id: toNumber(row.id) as MediaId,
    messageId: toNumber(row.message_id) as MessageId,
    kind: row.kind as MessageKind,
    mimeType: row.mime_type,
    fileName: row.file_name,
    size: toNumberOrNull(row.size),
    width: toNumberOrNull(row.width),
    height: toNumberOrNull(row.height),
    duration: toNumberOrNull(row.duration),
    status: row.status as MediaStatus,
    statusReason: row.status_reason,
  };
}

/** A file received (to download later) or uploaded by an operator (stored already: no file_ref, `ready`). */
export type NewMedia = Omit<InboundMedia, 'fileRef'> & {
  fileRef: string | null;
  status?: MediaStatus;
  path?: string | null;
  sha256?: string | null;
};

/** What the download job and the file endpoint need beyond the public Media fields. */
export interface StoredMedia extends Media {
  fileRef: string | null;
  path: string | null;
  sha256: string | null;
}

export class MediaRepository {
  constructor(private readonly database: Database) {}

  async insertMany(
    executor: Executor,
    messageId: MessageId,
    files: NewMedia[],
  ): Promise<MediaId[]> {
    const ids: MediaId[] = [];
    const now = Date.now();
    for (const file of files) {
      const result = await executor
        .insertInto('media')
        .values({
          message_id: messageId,
          kind: file.kind,
          file_ref: file.fileRef,
          file_unique_id: file.fileUniqueId,
          mime_type: file.mimeType,
          file_name: file.fileName,
          size: file.size,
          width: file.width,
          height: file.height,
          duration: file.duration,
          sha256: file.sha256 ?? null,
          path: file.path ?? null,
          status: file.status ?? 'pending',
          created_at: now,
          updated_at: now,
        })
        .executeTakeFirstOrThrow();
      ids.push(Number(result.insertId) as MediaId);
    }
    return ids;
  }

  async byMessageIds(executor: Executor, messageIds: readonly MessageId[]): Promise<Map<MessageId, Media[]>> {
    const byMessage = new Map<MessageId, Media[]>();
    if (messageIds.length === 0) return byMessage;
    const rows = await executor
      .selectFrom('media')
      .selectAll()
      .where('message_id', 'in', [...messageIds])
      .orderBy('id', 'asc')
      .execute();
    for (const row of rows) {
      const media = toMedia(row);
      byMessage.set(media.messageId, [...(byMessage.get(media.messageId) ?? []), media]);
    }
    return byMessage;
  }

  async findById(id: MediaId): Promise<StoredMedia | undefined> {
    const row = await this.database.db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst();
    return row && { ...toMedia(row), fileRef: row.file_ref, path: row.path, sha256: row.sha256 };
  }

  /** Moves a file from `from` to `to` status; false when another worker moved it first. */
  async transition(id: MediaId, from: MediaStatus[], to: MediaStatus, fields: { reason?: string | null; path?: string; sha256?: string; size?: number; mimeType?: string | null } = {}): Promise<boolean> {
    const result = await this.database.db
      .updateTable('media')
      .set({
        status: to,
        status_reason: fields.reason ?? null,
        ...(fields.path !== undefined && { path: fields.path }),
        ...(fields.sha256 !== undefined && { sha256: fields.sha256 }),
        ...(fields.size !== undefined && { size: fields.size }),
        ...(fields.mimeType && { mime_type: fields.mimeType }),
        updated_at: Date.now(),
      })
      .where('id', '=', id)
      .where('status', 'in', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Files still to fetch, of one account or of all. */
  async pendingIds(accountId?: AccountId): Promise<MediaId[]> {
    let query = this.database.db.selectFrom('media').select('id').where('status', '=', 'pending');
    if (accountId !== undefined) {
      query = query.where('message_id', 'in', (eb) =>
        eb
          .selectFrom('messages as m')
          .innerJoin('chats as c', 'c.id', 'm.chat_id')
          .select('m.id')
          .where('c.account_id', '=', accountId),
      );
    }
    const rows = await query.orderBy('id').execute();
    return rows.map((row) => toNumber(row.id) as MediaId);
  }

  /** Files still to fetch (after a restart the in-process queue is empty; the table is the truth). */
  async idsWithStatus(statuses: MediaStatus[], accountId?: AccountId): Promise<MediaId[]> {
    let query = this.database.db.selectFrom('media').select('id').where('status', 'in', statuses);
    if (accountId !== undefined) {
      query = query.where('message_id', 'in', (eb) =>
        eb.selectFrom('messages as m').innerJoin('chats as c', 'c.id', 'm.chat_id').select('m.id').where('c.account_id', '=', accountId),
      );
    }
    const rows = await query.execute();
    return rows.map((row) => toNumber(row.id) as MediaId);
  }

  /** Whether any media row still uses the file with this hash (files are shared by content). */
  async isReferenced(executor: Executor, sha256: string): Promise<boolean> {
    const row = await executor.selectFrom('media').select('id').where('sha256', '=', sha256).executeTakeFirst();
    return row !== undefined;
  }

  /** Content hashes of the files of these messages. */
  async hashesOf(executor: Executor, messageIds: readonly MessageId[]): Promise<string[]> {
    if (messageIds.length === 0) return [];
    const rows = await executor
      .selectFrom('media')
      .select('sha256')
      .distinct()
      .where('message_id', 'in', [...messageIds])
      .where('sha256', 'is not', null)
      .execute();
    return rows.flatMap((row) => (row.sha256 === null ? [] : [row.sha256]));
  }
}
