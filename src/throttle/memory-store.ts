// Throttle counters in this process's memory: enough for one process (the embedded default).
import type { Counter, Taken, ThrottleStore } from './store.js';

interface Window {
  count: number;
  endsAt: number;
}

const SWEEP_ABOVE = 10_000;

export class MemoryThrottleStore implements ThrottleStore {
  readonly #windows = new Map<string, Window>();

  async take(counters: readonly Counter[]): Promise<Taken> {
    const now = Date.now();
    let freeAt = 0;
    for (const { key, limit } of counters) {
      const window = this.#live(key, now);
      if (window && window.count >= limit) freeAt = Math.max(freeAt, window.endsAt);
    }
    if (freeAt > 0) return { taken: false, retryAfterMs: Math.max(1, freeAt - now) };
    for (const { key, windowMs } of counters) {
      const window = this.#live(key, now) ?? { count: 0, endsAt: now + windowMs };
      window.count += 1;
      this.#windows.set(key, window);
    }
    if (this.#windows.size > SWEEP_ABOVE) this.#sweep(now);
    return { taken: true };
  }

  async release(keys: readonly string[]): Promise<void> {
    const now = Date.now();
    for (const key of keys) {
      const window = this.#live(key, now);
      if (window && window.count > 0) window.count -= 1;
    }
  }

  async reset(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.#windows.delete(key);
  }

  async clear(prefix: string): Promise<void> {
    for (const key of this.#windows.keys()) if (key.startsWith(prefix)) this.#windows.delete(key);
  }

  async close(): Promise<void> {
    this.#windows.clear();
  }

  #live(key: string, now: number): Window | undefined {
    const window = this.#windows.get(key);
    if (window && window.endsAt > now) return window;
    if (window) this.#windows.delete(key);
    return undefined;
  }

  #sweep(now: number): void {
    for (const [key, window] of this.#windows) if (window.endsAt <= now) this.#windows.delete(key);
  }
}
