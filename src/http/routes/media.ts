import type { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { Parley } from '../../app/parley.js';
import type { MediaId } from '../../domain/ids.js';
import { actorOf } from '../plugins/auth.js';
import { errorResponses, IdParams } from '../schemas.js';
import type { App } from '../types.js';

export function mediaRoutes(app: App, parley: Parley): void {
  app.get(
    '/api/media/:id/',
    {
      schema: {
        tags: ['messages'],
        summary: 'Download a media file',
        description:
          'For operators who may see the file’s chat (others get 404). 409 while the file is not downloaded yet, ' +
          'or when it could not be (too large for the Bot API, failed): the message says which.',
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
      return reply
        .header('content-type', file.media.mimeType ?? 'application/octet-stream')
        .header('content-length', String(file.size))
        .header('content-disposition', inlineDisposition(name))
        .header('cache-control', 'private, max-age=86400')
        .header('x-content-type-options', 'nosniff')
        .send(file.stream);
    },
  );
}

/** RFC 6266: an ASCII fallback name plus the exact UTF-8 one (Cyrillic file names are common here). */
function inlineDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `inline; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
