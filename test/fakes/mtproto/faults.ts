// Telegram's RPC errors as they cross the wire, and injection of them per method.
import type { mtp, tl } from '@mtcute/core';
import type { MethodName } from './calls.js';

const UNAUTHORIZED = new Set([
  'AUTH_KEY_UNREGISTERED',
  'AUTH_KEY_INVALID',
  'USER_DEACTIVATED',
  'USER_DEACTIVATED_BAN',
  'SESSION_REVOKED',
  'SESSION_EXPIRED',
  'SESSION_PASSWORD_NEEDED',
]);
const FORBIDDEN = new Set(['CHAT_WRITE_FORBIDDEN', 'USER_PRIVACY_RESTRICTED', 'USER_IS_BLOCKED', 'YOU_BLOCKED_USER']);

function codeFor(text: string): number {
  if (/^(FLOOD_WAIT|FLOOD_PREMIUM_WAIT|SLOWMODE_WAIT)_\d+$/.test(text)) return 420;
  if (UNAUTHORIZED.has(text)) return 401;
  if (FORBIDDEN.has(text)) return 403;
  if (/_MIGRATE_\d+$/.test(text)) return 303;
  if (text === 'INTERNAL' || text.endsWith('_TIMEOUT') || text === 'RPC_CALL_FAIL') return 500;
  return 400;
}

/**
 * An `rpc_error` on its way to the client. The stub client turns it into `tl.RpcError.fromTl(...)` as
 * mtcute does, so `FLOOD_WAIT_30` arrives as text `FLOOD_WAIT_%d` with `seconds: 30`, as in production.
 */
export class WireError extends Error {
  constructor(readonly rpc: mtp.RawMt_rpc_error) {
    super(`${rpc.errorCode} ${rpc.errorMessage}`);
  }
}

/** Throw this from a handler to answer with a Telegram error; the code is derived from the text. */
export function rpcError(text: string, code = codeFor(text)): WireError {
  return new WireError({ _: 'mt_rpc_error', errorCode: code, errorMessage: text });
}

export interface FaultOptions {
  /** How many matching calls fail; `Infinity` for "every call from now on". Default 1. */
  times?: number;
  /** Override the HTTP-like error code derived from the text. */
  code?: number;
  /** Fail only calls whose request matches. */
  when?: (request: tl.RpcMethod) => boolean;
}

interface Fault {
  method: MethodName | '*';
  text: string;
  remaining: number;
  code?: number;
  when?: (request: tl.RpcMethod) => boolean;
}

export class FaultTable {
  private faults: Fault[] = [];

  add(method: MethodName | '*', text: string, options: FaultOptions = {}): void {
    this.faults.push({ method, text, remaining: options.times ?? 1, code: options.code, when: options.when });
  }

  clear(): void {
    this.faults = [];
  }

  /** The error the next call of this request must fail with, if any; consumes one use of the fault. */
  take(request: tl.RpcMethod): WireError | undefined {
    const fault = this.faults.find(
      (f) => f.remaining > 0 && (f.method === '*' || f.method === request._) && (f.when?.(request) ?? true),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    return rpcError(fault.text, fault.code);
  }
}
