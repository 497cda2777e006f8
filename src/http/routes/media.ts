import type { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { Parley } from '../../app/parley.js';
import type { MediaId } from '../../domain/ids.js';
import { MEDIA_DIRECTIVES } from '../content-security.js';
import { actorOf } from '../plugins/auth.js';
import { errorResponses, IdParams } from '../schemas.js';
import type { App } from '../types.js';

export function mediaRoutes(app: App, parley: Parley): void {
  app.get(
    '/api/media/:id/',
    {
      // On errors too: nothing answered under this path may run as a page of Parley's origin.
      helmet: { contentSecurityPolicy: { useDefaults: false, directives: MEDIA_DIRECTIVES } },
      schema: {
        tags: ['messages'],
        summary: 'Download a media file',
        description:
          'For operators who may see the file’s chat (others get 404). 409 while the file is not downloaded yet, ' +
          'or when it could not be (too large for the Bot API, failed): the message says which. Images (not SVG), ' +
          'audio, video and PDF are served inline, anything else as an attachment; every answer is sandboxed (CSP).',
        params: IdParams,
        response: {
          200: Type.Unsafe<Readable>({ type: 'string', format: 'binary', description: 'the file' }),
          ...errorResponses(400, 401, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const file = await parley.media.open(actorOf(request), request.params.id as MediaId);
      const name = file.media.fileName ?? `${file.media.kind}-${file.media.id}`;
      const type = contentType(file.media.mimeType);
      return reply
        .header('content-type', type)
        .header('content-length', String(file.size))
        .header('content-disposition', disposition(isPassive(type) ? 'inline' : 'attachment', name))
        .header('cache-control', 'private, max-age=86400')
        .header('x-content-type-options', 'nosniff')
        .send(file.stream);
    },
  );
}

const MIME_TYPE = /^[a-z0-9][\w.+-]*\/[a-z0-9][\w.+-]*$/;
/** Types a browser only displays, never runs: raster images, audio, video, PDF. SVG is a document with scripts. */
const PASSIVE_TYPE = /^(?:image\/(?!svg)|audio\/|video\/|application\/pdf$)/;

/** The declared type (the uploader's or Telegram's) without parameters, or octet-stream when it is malformed. */
function contentType(declared: string | null): string {
  const essence = declared?.split(';')[0]?.trim().toLowerCase() ?? '';
  return MIME_TYPE.test(essence) ? essence : 'application/octet-stream';
}

function isPassive(type: string): boolean {
  return PASSIVE_TYPE.test(type);
}

/** RFC 6266: an ASCII fallback name plus the exact UTF-8 one (Cyrillic file names are common here). */
function disposition(kind: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
