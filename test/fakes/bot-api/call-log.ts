import type { ApiResponse } from '@grammyjs/types';
import type { RecordedCall } from './types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export type CallPredicate = (call: RecordedCall, index: number) => boolean;

interface Waiter {
  method: string;
  predicate: CallPredicate;
  resolve: (call: RecordedCall) => void;
}

export class CallLog {
  private readonly entries: Mutable<RecordedCall>[] = [];
  private readonly waiters = new Set<Waiter>();

  /** Returns a setter for the answer, which is known only later. */
  record(call: Omit<RecordedCall, 'response'>): (response: ApiResponse<unknown>) => void {
    const entry: Mutable<RecordedCall> = { ...call, response: undefined };
    this.entries.push(entry);
    for (const waiter of [...this.waiters]) this.offer(waiter);
    return (response) => {
      entry.response = response;
    };
  }

  list(method?: string): RecordedCall[] {
    if (method === undefined) return [...this.entries];
    const name = method.toLowerCase();
    return this.entries.filter((entry) => entry.method.toLowerCase() === name);
  }

  /**
   * Resolves with the first call of `method` matching `predicate`, among the calls already made
   * and those to come, so a test cannot miss a call that raced ahead of its wait.
   */
  waitFor(method: string, predicate: CallPredicate, timeoutMs: number): Promise<RecordedCall> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(this.timeoutMessage(method, timeoutMs)));
      }, timeoutMs);
      const waiter: Waiter = {
        method,
        predicate,
        resolve: (call) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(call);
        },
      };
      this.waiters.add(waiter);
      this.offer(waiter);
    });
  }

  private offer(waiter: Waiter): void {
    const match = this.list(waiter.method).find(waiter.predicate);
    if (match !== undefined) waiter.resolve(match);
  }

  private timeoutMessage(method: string, timeoutMs: number): string {
    const seen = this.list(method).map((call) => JSON.stringify(call.params));
    return `No matching ${method} call within ${timeoutMs} ms; ${seen.length} seen:\n${seen.join('\n')}`;
  }
}
