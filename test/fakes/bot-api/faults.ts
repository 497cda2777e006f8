// Faults a test injects per method; each call takes the oldest active one.
import { DEFAULT_DESCRIPTIONS, TelegramError, tooManyRequests } from './errors.js';
import type { Fault, FaultHandle } from './types.js';

class FaultRule implements FaultHandle {
  hits = 0;
  cleared = false;

  constructor(
    readonly method: string,
    readonly fault: Fault,
    private readonly times: number,
  ) {}

  get active(): boolean {
    return !this.cleared && this.hits < this.times;
  }

  clear(): void {
    this.cleared = true;
  }
}

export class FaultBook {
  private rules: FaultRule[] = [];

  /** Method names are case-insensitive, as in the Bot API. Without `times` it lasts until cleared. */
  add(method: string, fault: Fault, times = Number.POSITIVE_INFINITY): FaultHandle {
    const rule = new FaultRule(method.toLowerCase(), fault, times);
    this.rules.push(rule);
    return rule;
  }

  take(method: string): Fault | undefined {
    this.rules = this.rules.filter((rule) => rule.active);
    const rule = this.rules.find((candidate) => candidate.method === method.toLowerCase());
    if (rule === undefined) return undefined;
    rule.hits++;
    return rule.fault;
  }

  clear(method?: string): void {
    for (const rule of this.rules) {
      if (method === undefined || rule.method === method.toLowerCase()) rule.clear();
    }
  }
}

/** The error a fault answers with, or undefined for a fault that only delays or drops. */
export function faultError(fault: Fault): TelegramError | undefined {
  if (!('status' in fault)) return undefined;
  if (fault.status === 429) {
    const error = tooManyRequests(fault.retryAfter);
    return fault.description === undefined ? error : new TelegramError(429, fault.description, error.parameters);
  }
  return new TelegramError(fault.status, fault.description ?? DEFAULT_DESCRIPTIONS[fault.status] ?? 'Error');
}
