// Turns a Bot API request (query string plus a JSON, urlencoded or multipart body) into params.
import type { IncomingMessage } from 'node:http';
import { badRequest, tooLarge } from './errors.js';
import { MultipartError, boundaryOf, parseMultipart } from './multipart.js';
import type { UploadedFile } from './types.js';

export interface ParsedRequest {
  params: Record<string, unknown>;
  files: UploadedFile[];
}

/** Reads the whole body; past `limit` it keeps draining so the client sees the 413, not a reset. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size <= limit) chunks.push(buffer);
  }
  if (size > limit) throw tooLarge();
  return Buffer.concat(chunks);
}

export function parseRequest(query: URLSearchParams, contentType: string, body: Buffer): ParsedRequest {
  const params: Record<string, unknown> = {};
  for (const [key, value] of query) params[key] = coerce(key, value);
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'multipart/form-data') return parseMultipartParams(params, contentType, body);
  if (type === 'application/x-www-form-urlencoded') {
    for (const [key, value] of new URLSearchParams(body.toString('utf8'))) params[key] = coerce(key, value);
  } else if (body.length > 0) {
    Object.assign(params, parseJsonObject(body));
  }
  return { params, files: [] };
}

function parseJsonObject(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw badRequest("can't parse JSON encoded request body");
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('JSON object expected as request body');
  }
  return { ...value };
}

function parseMultipartParams(params: Record<string, unknown>, contentType: string, body: Buffer): ParsedRequest {
  const boundary = boundaryOf(contentType);
  if (boundary === undefined) throw badRequest('multipart boundary is missing');
  let parts;
  try {
    parts = parseMultipart(body, boundary);
  } catch (error) {
    if (error instanceof MultipartError) throw badRequest(`can't parse multipart body: ${error.message}`);
    throw error;
  }
  const uploads = parts.filter((part) => part.fileName !== undefined);
  for (const part of parts) {
    if (part.fileName === undefined) params[part.name] = coerce(part.name, part.body.toString('utf8'));
  }
  const files = uploads.map((part) => ({
    field: part.name,
    param: referringParam(params, part.name),
    fileName: part.fileName ?? part.name,
    mimeType: part.contentType ?? 'application/octet-stream',
    bytes: Buffer.from(part.body),
  }));
  return { params, files };
}

function referringParam(params: Record<string, unknown>, field: string): string | undefined {
  const attach = `attach://${field}`;
  const found = Object.entries(params).find(([, value]) => value === attach);
  return found?.[0] ?? field;
}

/** Fields whose string value must stay a string even when it reads as a number or `true`. */
const TEXT_FIELDS = new Set([
  'text', 'caption', 'parse_mode', 'title', 'performer', 'first_name', 'last_name', 'phone_number', 'vcard',
  'emoji', 'action', 'url', 'secret_token', 'file_id', 'description', 'business_connection_id', 'file_name',
  'inline_message_id', 'callback_query_id', 'address', 'question', 'name', 'short_description', 'ip_address',
  'language_code', 'message_effect_id', 'custom_title', 'query',
]);

/**
 * Form values all arrive as strings; grammY JSON-encodes objects, arrays, numbers and booleans in
 * them, and the real server reads each field by its declared type. This reads JSON where the
 * field is not text.
 */
function coerce(key: string, value: string): unknown {
  if (TEXT_FIELDS.has(key)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
