// Telling an outage from a bug: a failure because the database or Redis is away for a moment (lost connection,
// restart, no answer in time) is answered 503 with Retry-After and logged as a warning, never as a 500.
import { Unavailable } from '../domain/errors.js';
import { RedisUnavailable } from '../redis/connection.js';
import { isPassingFailure } from '../store/errors.js';

/** What a client is told to wait before trying again. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

/** The service a failure says is away, or undefined when the failure is something else. */
export function unavailableService(error: unknown): 'the database' | 'Redis' | undefined {
  if (error instanceof RedisUnavailable) return 'Redis';
  if (error instanceof Error && error.name === 'MaxRetriesPerRequestError') return 'Redis';
  return isPassingFailure(error) ? 'the database' : undefined;
}

/** The failure as a 503 when it is an outage; unchanged otherwise. */
export function asUnavailable(error: unknown, doing?: string): unknown {
  const service = unavailableService(error);
  if (!service) return error;
  const what = doing ? `${doing}: ` : '';
  return new Unavailable(`${what}${service} is not reachable right now; try again in a few seconds`, OUTAGE_RETRY_AFTER_SECONDS, {
    service: service === 'Redis' ? 'redis' : 'database',
  });
}
