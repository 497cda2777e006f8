// Slows password guessing without locking anyone out. Every password check first reserves an attempt on three
// counters: the username from this address (strict), this address across usernames, and the username from
// anywhere (a much higher ceiling against guessing spread over many addresses). A right password gives its
// attempt back. An admin, or a new password, clears a username's counters.
import { isIPv6 } from 'node:net';
import { RateLimited } from '../domain/errors.js';
import type { Counter, ThrottleStore } from '../throttle/store.js';
import { asUnavailable } from './outages.js';

export interface ThrottleLimits {
  perUsernameAndAddress: number;
  perAddress: number;
  perUsername: number;
  windowMs: number;
}

export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = {
  perUsernameAndAddress: 5,
  perAddress: 30,
  perUsername: 100,
  windowMs: 15 * 60_000,
};

export class LoginThrottle {
  private readonly limits: ThrottleLimits;

  constructor(
    private readonly store: ThrottleStore,
    limits: Partial<ThrottleLimits> = {},
  ) {
    this.limits = { ...DEFAULT_THROTTLE_LIMITS, ...limits };
  }

  /** Counts this attempt before its password is checked; RateLimited (nothing counted) when a limit is reached. */
  async reserve(username: string, ip: string): Promise<void> {
    const { windowMs } = this.limits;
    const keys = keysOf(username, ip);
    const counters: Counter[] = [
      { key: keys.pair, limit: this.limits.perUsernameAndAddress, windowMs },
      { key: keys.address, limit: this.limits.perAddress, windowMs },
      { key: keys.username, limit: this.limits.perUsername, windowMs },
    ];
    // Without its counters no password is checked: a clear 503 while they are away, not a guess let through.
    const result = await this.store.take(counters).catch((error: unknown) => {
      throw asUnavailable(error, 'logins are paused');
    });
    if (result.taken) return;
    const seconds = Math.ceil(result.retryAfterMs / 1000);
    throw new RateLimited(`too many failed logins; try again in ${seconds} seconds`, seconds);
  }

  /** The password was right: this username's failures from this address are forgiven, the attempt given back. */
  async succeeded(username: string, ip: string): Promise<void> {
    const keys = keysOf(username, ip);
    await this.store.reset([keys.pair]);
    await this.store.release([keys.address, keys.username]);
  }

  /** Forgets a username's failures from every address (the addresses' own counters stay). */
  async clear(username: string): Promise<void> {
    await this.store.clear(usernamePrefix(username));
  }
}

// encodeURIComponent keeps ':' out of the username part, so one username's prefix never covers another's keys.
const usernamePrefix = (username: string) => `user:${encodeURIComponent(username)}:`;

function keysOf(username: string, ip: string) {
  const address = addressKey(ip);
  return {
    pair: `${usernamePrefix(username)}from:${address}`,
    username: `${usernamePrefix(username)}all`,
    address: `address:${address}`,
  };
}

/**
 * One key per client: IPv4-mapped addresses as IPv4, IPv6 by its /64 (one subscriber's usual allocation, which
 * would otherwise give an attacker 2^64 fresh addresses).
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(ip)) return ip;
  return `${expandIPv6(ip).slice(0, 4).join(':')}::/64`;
}

function expandIPv6(ip: string): string[] {
  const [head = '', tail] = ip.toLowerCase().split('%')[0]?.split('::') ?? [''];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => group.replace(/^0+(?=.)/, ''));
}
