// Domain errors across processes: a command's handler throws one in the worker, the caller rethrows the same
// kind, so an HTTP answer is the same whichever process did the work. Anything else crosses as `internal`.
import {
  ChannelUnavailable,
  Conflict,
  DomainError,
  Forbidden,
  Gone,
  Invalid,
  NotFound,
  RateLimited,
  Unauthenticated,
  type ErrorCode,
  type ErrorDetails,
  Unavailable,
} from '../domain/errors.js';

export interface WireError {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
  retryAfterSeconds?: number;
}

/** An error a command's handler threw that was not a domain error (a bug or an outage in the other process). */
export class RemoteFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemoteFailure';
  }
}

export function toWireError(error: unknown): WireError {
  if (!(error instanceof DomainError)) return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
  const retryAfterSeconds = error instanceof RateLimited || error instanceof ChannelUnavailable || error instanceof Unavailable ? error.retryAfterSeconds : undefined;
  return {
    code: error.code,
    message: error.message,
    ...(error.details !== undefined && { details: error.details }),
    ...(retryAfterSeconds !== undefined && { retryAfterSeconds }),
  };
}

export function fromWireError({ code, message, details, retryAfterSeconds }: WireError): Error {
  switch (code) {
    case 'invalid':
      return new Invalid(message, details);
    case 'unauthenticated':
      return new Unauthenticated(message, details);
    case 'forbidden':
      return new Forbidden(message, details);
    case 'not_found':
      return new NotFound(message, details);
    case 'conflict':
      return new Conflict(message, details);
    case 'rate_limited':
      return new RateLimited(message, retryAfterSeconds ?? 1, details);
    case 'channel_unavailable':
      return new ChannelUnavailable(message, retryAfterSeconds, details);
    case 'gone':
      return new Gone(message, details);
    case 'unavailable':
      return new Unavailable(message, retryAfterSeconds ?? 5, details);
    case 'internal':
      return new RemoteFailure(message);
  }
}
