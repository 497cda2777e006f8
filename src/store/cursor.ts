// Opaque keyset cursors: base64url JSON of the last row's sort key. Clients pass them back unchanged.
import { Invalid } from '../domain/errors.js';

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string, shape: readonly ('string' | 'number')[]): (string | number)[] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const valid =
    Array.isArray(key) &&
    key.length === shape.length &&
    key.every((value, i) => typeof value === shape[i] && (typeof value !== 'number' || Number.isSafeInteger(value)));
  if (!valid) throw new Invalid('cursor is not valid: pass back the `next` value of a previous page unchanged');
  return key as (string | number)[];
}

export interface Page<T> {
  results: T[];
  next: string | null;
}

/** Fetch `limit + 1` rows, then call this: the extra row only tells whether another page exists. */
export function toPage<R, T>(rows: R[], limit: number, map: (row: R) => T, key: (row: R) => (string | number)[]): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  return { results: pageRows.map(map), next: hasMore && last ? encodeCursor(key(last)) : null };
}
