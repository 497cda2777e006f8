// Typed reads of request params, failing the way the Bot API does for a missing or wrong field.
import type { InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity } from '@grammyjs/types';
import { badRequest } from './errors.js';

export type Params = Readonly<Record<string, unknown>>;

export function optionalString(params: Params, key: string): string | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw badRequest(`field "${key}" must be of type String`);
}

export function optionalNumber(params: Params, key: string): number | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number === 'number' && Number.isFinite(number)) return number;
  throw badRequest(`field "${key}" must be a Number`);
}

export function requiredNumber(params: Params, key: string, missing: string): number {
  const value = optionalNumber(params, key);
  if (value === undefined) throw badRequest(missing);
  return value;
}

export function optionalBoolean(params: Params, key: string): boolean | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  return value === true || value === 'true' || value === 1 || value === '1';
}

export function optionalObject(params: Params, key: string): Record<string, unknown> | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object' && !Array.isArray(value)) return { ...value };
  throw badRequest(`can't parse ${key} JSON object`);
}

export function optionalArray(params: Params, key: string): unknown[] | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value;
  throw badRequest(`can't parse ${key} JSON array`);
}

export function optionalStringArray(params: Params, key: string): string[] | undefined {
  return optionalArray(params, key)?.filter((item): item is string => typeof item === 'string');
}

/** Entities are echoed as the client sent them; the fake does not re-validate offsets. */
export function optionalEntities(params: Params, key: string): MessageEntity[] | undefined {
  return optionalArray(params, key)?.filter(isEntity);
}

function isEntity(value: unknown): value is MessageEntity {
  return (
    typeof value === 'object' &&
    value !== null &&
    'type' in value &&
    typeof value.type === 'string' &&
    'offset' in value &&
    typeof value.offset === 'number' &&
    'length' in value &&
    typeof value.length === 'number'
  );
}

/** Only inline keyboards show on a message; reply keyboards and ForceReply do not. */
export function inlineMarkup(params: Params): InlineKeyboardMarkup | undefined {
  const markup = optionalObject(params, 'reply_markup');
  const rows = markup?.['inline_keyboard'];
  if (!Array.isArray(rows)) return undefined;
  return { inline_keyboard: rows.map((row: unknown) => (Array.isArray(row) ? row.filter(isButton) : [])) };
}

function isButton(value: unknown): value is InlineKeyboardButton {
  return typeof value === 'object' && value !== null && 'text' in value && typeof value.text === 'string';
}
