// Operators' file uploads: the reply and send endpoints also take multipart/form-data with text fields and
// one `file`. The file is streamed into the blob store's staging while hashed (never buffered whole); the message service
// moves it to its content address once the message exists, and whatever is left is removed before the answer.
import type {} from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TObject, type TProperties } from 'typebox';
import type { OutgoingAttachment } from '../app/messages.js';
import type { BlobStore } from '../blobs/store.js';
import { attachmentMimeType } from '../domain/attachment.js';
import { Invalid } from '../domain/errors.js';

/** The Bot API takes uploads up to 50 MB. */
export const UPLOAD_LIMIT_BYTES = 50 * 1024 * 1024;

export const MULTIPART_LIMITS = { fileSize: UPLOAD_LIMIT_BYTES, files: 1, fields: 10, parts: 11, fieldSize: 64 * 1024 };

const FILE_FIELD = 'file';

/** For the OpenAPI document: the form's `file` part (it never reaches the validator: the upload hook takes it). */
export const FilePart = Type.Unsafe<never>({
  type: 'string',
  format: 'binary',
  description: 'one file, up to 50 MB: image/jpeg|png|webp → photo (up to 10 MB), audio/ogg → voice, video/* → video, audio/* → audio, anything else → document',
});

/** A body taking JSON, or a multipart form with the same fields (as strings) plus `file`. */
export function jsonOrForm(json: TObject, form: TProperties) {
  return {
    content: {
      'application/json': { schema: json },
      'multipart/form-data': { schema: Type.Object({ ...form, [FILE_FIELD]: Type.Optional(FilePart) }, { additionalProperties: false }) },
    },
  };
}

/** Request hooks of an endpoint that accepts an uploaded file. */
export class Uploads {
  private readonly received = new WeakMap<FastifyRequest, OutgoingAttachment>();

  constructor(private readonly blobs: BlobStore) {}

  /** preValidation: reads a multipart body into its fields (validated next) and the staged file. */
  readonly read = async (request: FastifyRequest): Promise<void> => {
    if (!request.isMultipart()) return;
    const fields: Record<string, unknown> = {};
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        if (part.fieldname === FILE_FIELD) throw new Invalid('`file` must be a file part', { field: FILE_FIELD });
        fields[part.fieldname] = /_id$/.test(part.fieldname) && /^[1-9]\d{0,14}$/.test(String(part.value)) ? Number(part.value) : part.value;
        continue;
      }
      if (part.fieldname !== FILE_FIELD || this.received.has(request)) {
        part.file.resume();
        throw new Invalid(`send one file, in the part named "${FILE_FIELD}"`, { field: part.fieldname });
      }
      const fileName = cleanName(part.filename);
      const staged = await this.blobs.stage(part.file);
      this.received.set(request, { staged, fileName, mimeType: attachmentMimeType(part.mimetype, fileName) });
    }
    request.body = fields;
  };

  /** onSend (errors included): a file not moved into place (refused, repeated request) is removed before the answer. */
  readonly cleanup = async <T>(request: FastifyRequest, _reply: FastifyReply, payload: T): Promise<T> => {
    const upload = this.received.get(request);
    if (upload) await this.blobs.discard(upload.staged);
    return payload;
  };

  of(request: FastifyRequest): OutgoingAttachment | undefined {
    return this.received.get(request);
  }
}

/** The name to show and send: no directories, no control characters, not empty. */
function cleanName(name: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  const base = (name ?? '').split(/[\\/]/).pop()?.replace(/[\u0000-\u001f\u007f]/g, '').trim() ?? '';
  return base.slice(0, 200) || 'file';
}
