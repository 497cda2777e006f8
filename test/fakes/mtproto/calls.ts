// Every request the fake received, so tests assert on what Telegram saw and await calls instead of sleeping.
import type { RpcCallOptions, tl } from '@mtcute/core';

export type MethodName = tl.RpcMethod['_'];
export type RequestOf<M extends MethodName> = tl.FindByName<tl.RpcMethod, M>;

export interface RecordedCall {
  /** Position in the log; pass `since: log.mark()` to wait only for later calls. */
  index: number;
  request: tl.RpcMethod;
  /** Which client session made it (hex prefix of its auth key). */
  session: string;
  /** mtcute's per-call options, e.g. a `floodSleepThreshold` the caller chose. */
  options?: RpcCallOptions;
}

interface Waiter {
  matches: (call: RecordedCall) => boolean;
  resolve: (call: RecordedCall) => void;
}

export interface WaitOptions {
  /** Only calls recorded at or after this index count; default 0 (calls already made count too). */
  since?: number;
  /** Guard against a hanging test, not a delay: rejects with the methods seen so far. Default 5000. */
  timeoutMs?: number;
}

export class CallLog {
  private readonly calls: RecordedCall[] = [];
  private readonly waiters = new Set<Waiter>();

  record(request: tl.RpcMethod, session: string, options?: RpcCallOptions): void {
    const call = { index: this.calls.length, request, session, options };
    this.calls.push(call);
    for (const waiter of this.waiters) {
      if (waiter.matches(call)) waiter.resolve(call);
    }
  }

  mark(): number {
    return this.calls.length;
  }

  all(): readonly RecordedCall[] {
    return this.calls;
  }

  methods(): MethodName[] {
    return this.calls.map((c) => c.request._);
  }

  of<M extends MethodName>(method: M): RequestOf<M>[] {
    return this.calls.filter((c) => c.request._ === method).map((c) => c.request as RequestOf<M>);
  }

  waitFor<M extends MethodName>(
    method: M,
    predicate: (request: RequestOf<M>) => boolean = () => true,
    options: WaitOptions = {},
  ): Promise<RequestOf<M>> {
    const since = options.since ?? 0;
    const matches = (call: RecordedCall): boolean =>
      call.index >= since && call.request._ === method && predicate(call.request as RequestOf<M>);
    const done = this.calls.find(matches);
    if (done) return Promise.resolve(done.request as RequestOf<M>);

    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no ${method} call within ${options.timeoutMs ?? 5000} ms; seen: ${this.methods().join(', ')}`));
      }, options.timeoutMs ?? 5000);
      const waiter: Waiter = {
        matches,
        resolve: (call) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(call.request as RequestOf<M>);
        },
      };
      this.waiters.add(waiter);
    });
  }
}
