// The files a bot can reach by file_id: what customers sent and what the bot uploaded.
import { randomBytes } from 'node:crypto';
import type { PhotoSize } from '@grammyjs/types';

export type MediaKind =
  | 'photo'
  | 'document'
  | 'video'
  | 'voice'
  | 'audio'
  | 'animation'
  | 'video_note'
  | 'sticker'
  | 'thumbnail';

/** Real file_ids start with a per-kind prefix and paths sit in per-kind folders; tests may log them. */
const KINDS: Record<MediaKind, { prefix: string; folder: string; ext: string }> = {
  photo: { prefix: 'AgACAgIAAxkBAAI', folder: 'photos', ext: 'jpg' },
  document: { prefix: 'BQACAgIAAxkBAAI', folder: 'documents', ext: 'dat' },
  video: { prefix: 'BAACAgIAAxkBAAI', folder: 'videos', ext: 'mp4' },
  voice: { prefix: 'AwACAgIAAxkBAAI', folder: 'voice', ext: 'oga' },
  audio: { prefix: 'CQACAgIAAxkBAAI', folder: 'music', ext: 'mp3' },
  animation: { prefix: 'CgACAgIAAxkBAAI', folder: 'animations', ext: 'mp4' },
  video_note: { prefix: 'DQACAgIAAxkBAAI', folder: 'video_notes', ext: 'mp4' },
  sticker: { prefix: 'CAACAgIAAxkBAAI', folder: 'stickers', ext: 'webp' },
  thumbnail: { prefix: 'AAMCAgADGQEAAI', folder: 'thumbnails', ext: 'jpg' },
};

/** What Telegram knows about a file besides its bytes; media objects are built from it. */
export interface MediaMeta {
  file_name?: string;
  mime_type?: string;
  width?: number;
  height?: number;
  duration?: number;
  length?: number;
  performer?: string;
  title?: string;
  emoji?: string;
  set_name?: string;
}

export interface StoredFile {
  readonly file_id: string;
  readonly file_unique_id: string;
  readonly file_path: string;
  readonly kind: MediaKind;
  readonly bytes: Buffer;
  readonly meta: MediaMeta;
  /** For a photo: all sizes Telegram made of it, smallest first, this one among them. */
  sizes?: PhotoSize[];
}

export class FileStore {
  private readonly byId = new Map<string, StoredFile>();
  /** Only paths handed out by getFile download, as on the real server. */
  private readonly issued = new Map<string, StoredFile>();
  private count = 0;

  add(kind: MediaKind, bytes: Buffer, meta: MediaMeta = {}): StoredFile {
    const { prefix, folder, ext } = KINDS[kind];
    const file: StoredFile = {
      file_id: prefix + randomBytes(36).toString('base64url'),
      file_unique_id: 'AgAD' + randomBytes(9).toString('base64url'),
      file_path: `${folder}/file_${this.count++}.${extensionOf(meta.file_name) ?? ext}`,
      kind,
      bytes,
      meta,
    };
    this.byId.set(file.file_id, file);
    return file;
  }

  get(fileId: string): StoredFile | undefined {
    return this.byId.get(fileId);
  }

  issuePath(file: StoredFile): string {
    this.issued.set(file.file_path, file);
    return file.file_path;
  }

  download(filePath: string): StoredFile | undefined {
    return this.issued.get(filePath);
  }
}

function extensionOf(fileName: string | undefined): string | undefined {
  const match = fileName === undefined ? null : /\.([A-Za-z0-9]{1,8})$/.exec(fileName);
  return match?.[1]?.toLowerCase();
}

/** Deterministic filler, so a test can ask for "25 MB" without building the bytes itself. */
export function generatedBytes(size: number): Buffer {
  return Buffer.alloc(size, 'parley fake telegram file ');
}

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp',
  pdf: 'application/pdf', txt: 'text/plain', csv: 'text/csv', json: 'application/json', zip: 'application/zip',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  mp4: 'video/mp4', webm: 'video/webm', mov: 'video/quicktime', mp3: 'audio/mpeg', m4a: 'audio/mp4',
  ogg: 'audio/ogg', oga: 'audio/ogg', opus: 'audio/ogg', tgs: 'application/x-tgsticker',
};

/** grammY uploads everything as application/octet-stream; Telegram guesses from the name, as here. */
export function guessMimeType(fileName: string, sent: string): string | undefined {
  if (sent !== 'application/octet-stream') return sent;
  const ext = extensionOf(fileName);
  return ext === undefined ? undefined : MIME_BY_EXTENSION[ext];
}
