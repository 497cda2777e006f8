// The ThrottleStore seam: counters of attempts in fixed windows, shared by every process that checks passwords.

/** One counter an attempt must fit under: at most `limit` attempts per window of `windowMs`, starting at the first. */
export interface Counter {
  key: string;
  limit: number;
  windowMs: number;
}

export type Taken = { taken: true } | { taken: false; retryAfterMs: number };

/**
 * Rules every implementation keeps:
 * - `take` is atomic over all its counters, also against other processes on the same storage: either every counter
 *   is below its limit and each gains one, or none changes and the answer says when the fullest one frees up
 *   (retryAfterMs > 0). Parallel takes never push a counter past its limit.
 * - A counter's window starts at its first attempt; when it ends the counter is gone (it never lives forever).
 * - `release` gives one attempt back to counters that still exist, never below zero, and never creates one.
 * - `reset` forgets exactly the given counters; `clear` every counter whose key starts with `prefix` (slower: it may
 *   walk all keys, so it is for rare requests).
 */
export interface ThrottleStore {
  take(counters: readonly Counter[]): Promise<Taken>;
  release(keys: readonly string[]): Promise<void>;
  reset(keys: readonly string[]): Promise<void>;
  clear(prefix: string): Promise<void>;
  close(): Promise<void>;
}
