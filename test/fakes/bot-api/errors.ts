import type { ApiError, ResponseParameters } from '@grammyjs/types';

/** An error answer of the Bot API; handlers throw it and the server sends it as is. */
export class TelegramError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(`${code}: ${description}`);
    this.name = 'TelegramError';
  }

  toResponse(): ApiError {
    const body: ApiError = { ok: false, error_code: this.code, description: this.description };
    if (this.parameters !== undefined) body.parameters = this.parameters;
    return body;
  }
}

export const badRequest = (detail: string): TelegramError => new TelegramError(400, `Bad Request: ${detail}`);

export const unauthorized = (): TelegramError => new TelegramError(401, 'Unauthorized');

export const blockedByUser = (): TelegramError => new TelegramError(403, 'Forbidden: bot was blocked by the user');

export const notFound = (): TelegramError => new TelegramError(404, 'Not Found');

export const tooManyRequests = (retryAfter: number): TelegramError =>
  new TelegramError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });

export const tooLarge = (): TelegramError => new TelegramError(413, 'Request Entity Too Large');

export const pollTerminated = (): TelegramError =>
  new TelegramError(
    409,
    'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
  );

export const webhookActive = (): TelegramError =>
  new TelegramError(
    409,
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
  );

export const DEFAULT_DESCRIPTIONS: Readonly<Record<number, string>> = {
  401: 'Unauthorized',
  403: 'Forbidden: bot was blocked by the user',
  404: 'Not Found',
  409: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
};
