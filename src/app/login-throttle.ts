// Slows password guessing: too many failures for one username or from one address locks that key for a
// while. The memory store serves one process; a Redis store (same interface) serves several.

export interface ThrottleStore {
  /** Adds one failure to `key` and returns the count inside the current window and when it ends. */
  hit(key: string, windowMs: number): Promise<{ count: number; resetAt: number }>;
  /** The current count and window end, without adding. */
  peek(key: string): Promise<{ count: number; resetAt: number } | undefined>;
  reset(key: string): Promise<void>;
}

export class MemoryThrottleStore implements ThrottleStore {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  async hit(key: string, windowMs: number) {
    const now = Date.now();
    const current = this.live(key, now) ?? { count: 0, resetAt: now + windowMs };
    current.count += 1;
    this.windows.set(key, current);
    if (this.windows.size > 10_000) this.sweep(now);
    return { ...current };
  }

  async peek(key: string) {
    const current = this.live(key, Date.now());
    return current && { ...current };
  }

  async reset(key: string) {
    this.windows.delete(key);
  }

  private live(key: string, now: number) {
    const window = this.windows.get(key);
    return window && window.resetAt > now ? window : undefined;
  }

  private sweep(now: number) {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}

export interface ThrottleLimits {
  perUsername: number;
  perIp: number;
  windowMs: number;
}

export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = { perUsername: 5, perIp: 30, windowMs: 15 * 60_000 };

export class LoginThrottle {
  constructor(
    private readonly store: ThrottleStore,
    private readonly limits: ThrottleLimits = DEFAULT_THROTTLE_LIMITS,
  ) {}

  /** Seconds to wait before another attempt is allowed, or 0. */
  async retryAfter(username: string, ip: string): Promise<number> {
    const now = Date.now();
    const [byUser, byIp] = await Promise.all([this.store.peek(userKey(username)), this.store.peek(ipKey(ip))]);
    const blockedUntil = Math.max(
      byUser && byUser.count >= this.limits.perUsername ? byUser.resetAt : 0,
      byIp && byIp.count >= this.limits.perIp ? byIp.resetAt : 0,
    );
    return blockedUntil > now ? Math.ceil((blockedUntil - now) / 1000) : 0;
  }

  async failed(username: string, ip: string): Promise<void> {
    await Promise.all([
      this.store.hit(userKey(username), this.limits.windowMs),
      this.store.hit(ipKey(ip), this.limits.windowMs),
    ]);
  }

  async succeeded(username: string): Promise<void> {
    await this.store.reset(userKey(username));
  }
}

const userKey = (username: string) => `login:user:${username}`;
const ipKey = (ip: string) => `login:ip:${ip}`;
