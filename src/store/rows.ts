// Narrowing what drivers return (number, bigint, numeric string) into domain values.
import type { DbInt } from './schema.js';

export function toNumber(value: DbInt): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new RangeError(`integer out of safe range: ${String(value)}`);
  return number;
}

export function toNumberOrNull(value: DbInt | null): number | null {
  return value === null ? null : toNumber(value);
}

export function toDate(value: DbInt): Date {
  return new Date(toNumber(value));
}

export function toDateOrNull(value: DbInt | null): Date | null {
  return value === null ? null : toDate(value);
}

export function toFlag(value: DbInt): boolean {
  return Number(value) !== 0;
}

export function flag(value: boolean): 0 | 1 {
  return value ? 1 : 0;
}

/** A 64-bit id as a decimal string, exact whatever the driver returned. */
export function toIdString(value: DbInt): string {
  return typeof value === 'string' ? value : value.toString();
}
