// A multipart/form-data parser over a fully buffered body (test bodies stay small enough).

export interface Part {
  name: string;
  /** Present for file parts. */
  fileName: string | undefined;
  contentType: string | undefined;
  body: Buffer;
}

export class MultipartError extends Error {}

export function boundaryOf(contentType: string): string | undefined {
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

export function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const nextDelimiter = Buffer.from(`\r\n--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new MultipartError('no boundary in body');
  const parts: Part[] = [];
  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString() === '--') return parts;
    pos = skipLineBreak(body, pos);
    const headersEnd = body.indexOf('\r\n\r\n', pos);
    if (headersEnd < 0) throw new MultipartError('unterminated part headers');
    const contentStart = headersEnd + 4;
    const contentEnd = body.indexOf(nextDelimiter, contentStart);
    if (contentEnd < 0) throw new MultipartError('unterminated part');
    parts.push(toPart(body.subarray(pos, headersEnd).toString('utf8'), body.subarray(contentStart, contentEnd)));
    pos = contentEnd + 2;
  }
}

function skipLineBreak(body: Buffer, pos: number): number {
  if (body[pos] === 0x0d && body[pos + 1] === 0x0a) return pos + 2;
  throw new MultipartError('malformed boundary line');
}

function toPart(headerText: string, body: Buffer): Part {
  const headers = new Map<string, string>();
  for (const line of headerText.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = dispositionParams(headers.get('content-disposition') ?? '');
  const name = disposition.get('name');
  if (name === undefined) throw new MultipartError('part without a name');
  return { name, fileName: fileNameOf(disposition), contentType: headers.get('content-type'), body };
}

function fileNameOf(disposition: Map<string, string>): string | undefined {
  const extended = disposition.get('filename*');
  if (extended !== undefined) return decodeURIComponent(extended.replace(/^[^']*'[^']*'/, ''));
  return disposition.get('filename');
}

/** Reads `form-data; name="x"; filename=...`; grammY writes the file name unquoted and unescaped. */
function dispositionParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  let i = value.indexOf(';');
  while (i >= 0 && i < value.length) {
    const eq = value.indexOf('=', i);
    if (eq < 0) break;
    const key = value.slice(i + 1, eq).trim().toLowerCase();
    const [parsed, end] = value[eq + 1] === '"' ? readQuoted(value, eq + 2) : readBare(value, eq + 1);
    params.set(key, parsed);
    i = value.indexOf(';', end);
  }
  return params;
}

function readQuoted(value: string, start: number): [string, number] {
  let out = '';
  let i = start;
  for (; i < value.length && value.charAt(i) !== '"'; i++) {
    if (value.charAt(i) === '\\' && i + 1 < value.length) i++;
    out += value.charAt(i);
  }
  return [out, i + 1];
}

/** An unquoted value ends where the next `; key=` starts, so a grammY file name may hold `;`. */
function readBare(value: string, start: number): [string, number] {
  const next = /;\s*[A-Za-z0-9*_-]+=/.exec(value.slice(start));
  const stop = next === null ? value.length : start + next.index;
  return [value.slice(start, stop).trim(), stop];
}
