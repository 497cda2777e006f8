/**
 * Exponential backoff: `baseMs` after the first failure, doubling with each further one, never above `maxMs`.
 * Every retry loop of Parley (connectors' reconnects, jobs, sends) waits this long.
 */
export function backoffDelay(baseMs: number, failures: number, maxMs = Number.POSITIVE_INFINITY): number {
  return Math.min(baseMs * 2 ** (failures - 1), maxMs);
}
