// Typed domain errors: thrown by app/, mapped to HTTP in one place (http/plugins/errors.ts).
// Messages are written for the API's users; never put a secret or a stack trace in one.

export const ERROR_CODES = [
  'invalid',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'channel_unavailable',
  'gone',
  'unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type ErrorDetails = Record<string, unknown>;

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;

  constructor(
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class Invalid extends DomainError {
  readonly code = 'invalid';
}

export class Unauthenticated extends DomainError {
  readonly code = 'unauthenticated';
}

export class Forbidden extends DomainError {
  readonly code = 'forbidden';
}

/** Also what an operator gets for an object he may not see: its existence is not revealed. */
export class NotFound extends DomainError {
  readonly code = 'not_found';
}

export class Conflict extends DomainError {
  readonly code = 'conflict';
}

export class RateLimited extends DomainError {
  readonly code = 'rate_limited';

  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    details?: ErrorDetails,
  ) {
    super(message, details);
  }
}

/** A channel (Telegram) cannot serve the request now; `retryAfterSeconds` when it said how long to wait. */
export class ChannelUnavailable extends DomainError {
  readonly code = 'channel_unavailable';

  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
    details?: ErrorDetails,
  ) {
    super(message, details);
  }
}

/** What was asked for existed but is no longer kept (old realtime events): the client must reload. */
export class Gone extends DomainError {
  readonly code = 'gone';
}

/** A service Parley needs (the database, Redis) is away for a moment: nothing was done, try again shortly. */
export class Unavailable extends DomainError {
  readonly code = 'unavailable';

  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    details?: ErrorDetails,
  ) {
    super(message, details);
  }
}
