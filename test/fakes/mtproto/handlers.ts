// How the fake answers a method: one handler per method name, given the request and the calling session.
import type { MaybePromise, tl } from '@mtcute/core';
import type { MethodName, RequestOf } from './calls.js';

/** A client session, identified by its auth key as on real Telegram; authorised once `userId` is set. */
export interface Session {
  readonly key: string;
  userId?: number;
  /** Code accepted, 2FA password still missing: only auth.checkPassword and account.getPassword work. */
  passwordPending: boolean;
}

export type Handler<M extends MethodName> = (request: RequestOf<M>, session: Session) => MaybePromise<tl.RpcCallReturn[M]>;

export type HandlerTable = { [M in MethodName]?: Handler<M> };
