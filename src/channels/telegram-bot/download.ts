// Fetching a file a customer sent: getFile, then its bytes from the file URL under the configured Bot API root,
// streamed. Files over the download limit are refused with MediaTooLarge, so the job marks them, not retries.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ChannelUnavailable } from '../../domain/errors.js';
import { MediaTooLarge, type Download } from '../channel.js';
import { BotApiFailure, type BotClient } from './client.js';

export async function downloadFile(client: BotClient, fileId: string, limitBytes: number): Promise<Download> {
  const file = await client.call((api) => api.getFile(fileId)).catch((error: unknown) => {
    const failure = client.failure(error);
    if (failure.kind === 'rejected' && /too big|too large/i.test(failure.description)) throw tooLarge(limitBytes, null, failure.description);
    throw failure;
  });
  if (file.file_size !== undefined && file.file_size > limitBytes) throw tooLarge(limitBytes, file.file_size, null);
  if (!file.file_path) throw new BotApiFailure('rejected', 'Telegram gave no file path for this file');
  // A local Bot API server started with --local answers with a path on its own disk.
  if (path.isAbsolute(file.file_path)) {
    return { stream: limited(createReadStream(file.file_path), limitBytes), size: file.file_size ?? null, mimeType: null };
  }

  let response: Response;
  try {
    response = await fetch(client.fileUrl(file.file_path));
  } catch (error) {
    throw client.failure(error);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    if (response.status === 401) throw new BotApiFailure('unauthorized', 'Unauthorized', 401);
    throw new BotApiFailure('unavailable', `the file download answered ${response.status} ${response.statusText}`.trim(), response.status);
  }
  const length = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(length) && length > limitBytes) {
    await response.body.cancel();
    throw tooLarge(limitBytes, length, null);
  }
  const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  return {
    stream: limited(body, limitBytes),
    size: file.file_size ?? (Number.isFinite(length) ? length : null),
    mimeType: specificType(response.headers.get('content-type')),
  };
}

/** The file server's type, unless it is the generic one (then the update's own type stays). */
function specificType(header: string | null): string | null {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  return type && type !== 'application/octet-stream' ? type : null;
}

function tooLarge(limitBytes: number, size: number | null, telegram: string | null): MediaTooLarge {
  const limit = `${Math.round(limitBytes / (1024 * 1024))} MB`;
  const actual = size === null ? 'larger than' : `${(size / (1024 * 1024)).toFixed(1)} MB, over`;
  const said = telegram ? ` (Telegram: ${telegram})` : '';
  return new MediaTooLarge(
    `the file is ${actual} the Bot API's download limit of ${limit}${said}; ` +
      'ask the customer for a smaller file, or raise TELEGRAM_BOT_DOWNLOAD_LIMIT_MB with a local Bot API server',
  );
}

/** Passes the bytes on; stops with MediaTooLarge past the limit, and hides errors that may carry the file URL. */
function limited(source: Readable, limitBytes: number): Readable {
  let seen = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > limitBytes) done(tooLarge(limitBytes, null, null));
      else done(null, chunk);
    },
  });
  source.on('error', (error: Error & { code?: string }) => {
    meter.destroy(new ChannelUnavailable(`the file download was interrupted${error.code ? ` (${error.code})` : ''}`));
  });
  return source.pipe(meter);
}
