// Telegram's errors as the connector acts on them: waits, dead sessions, and what to tell people.
import { tl } from '@mtcute/core';

/** The session is gone: only a new login helps. */
const REAUTH = new Set([
  'AUTH_KEY_UNREGISTERED',
  'AUTH_KEY_INVALID',
  'AUTH_KEY_PERM_EMPTY',
  'SESSION_REVOKED',
  'SESSION_EXPIRED',
  'USER_DEACTIVATED',
  'USER_DEACTIVATED_BAN',
]);

/** The customer cannot be written to any more. */
const BLOCKED = new Set(['USER_IS_BLOCKED', 'YOU_BLOCKED_USER', 'INPUT_USER_DEACTIVATED', 'USER_DEACTIVATED']);

export function isRpcError(error: unknown): error is tl.RpcError {
  return tl.RpcError.is(error);
}

/** Seconds Telegram told us to wait (FLOOD_WAIT_X, FLOOD_PREMIUM_WAIT_X, SLOWMODE_WAIT_X), if it did. */
export function floodWaitSeconds(error: unknown): number | null {
  if (!isRpcError(error)) return null;
  if (error.is('FLOOD_WAIT_%d') || error.is('SLOWMODE_WAIT_%d')) return Math.max(1, error.seconds);
  if (error.is('FLOOD_PREMIUM_WAIT_%d')) return Math.max(1, (error as { seconds?: number }).seconds ?? 1);
  return null;
}

/** Telegram's reason when the session is dead (revoked, unregistered, user deactivated). */
export function reauthReason(error: unknown): string | null {
  return isRpcError(error) && REAUTH.has(error.text) ? error.text : null;
}

export function blocksChat(error: tl.RpcError): boolean {
  return BLOCKED.has(error.text);
}

/** A failure in the words of metrics: its kind (flood, auth, network, rejected, server) and a bounded name. */
export function errorClass(error: unknown): { kind: string; error: string } {
  if (!isRpcError(error)) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    return { kind: 'network', error: /^E[A-Z_]+$/.test(code) ? code : error instanceof Error ? error.name : 'unknown' };
  }
  const name = error.text.replace(/_%d$|_\d+$/, '');
  if (floodWaitSeconds(error) !== null) return { kind: 'flood', error: name };
  if (reauthReason(error)) return { kind: 'auth', error: name };
  if (error.code >= 500) return { kind: 'server', error: name };
  return { kind: 'rejected', error: name };
}

/** Telegram's error text with its number filled in (FLOOD_WAIT_30), or the error's message. */
export function errorText(error: unknown): string {
  if (isRpcError(error)) {
    const seconds = floodWaitSeconds(error);
    return seconds === null ? error.text : error.text.replace('%d', String(seconds));
  }
  return error instanceof Error ? error.message : String(error);
}

/** Rejects with `onTimeout()` when `promise` has not settled within `ms` (and aborts `controller`). */
export async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error, controller?: AbortController): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = onTimeout();
      controller?.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
