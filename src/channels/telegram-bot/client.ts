// grammY's Api pointed at the configured Bot API root, with every failure turned into one BotApiFailure.
// grammY's network errors carry the request URL, and the URL holds the token: their messages are rebuilt
// here, so nothing thrown past this file can leak the token into a log, a status reason or an answer.
import { Api, GrammyError, HttpError } from 'grammy';

/** What Parley does about a failed call follows from its kind. */
export type FailureKind =
  /** 401: the token was revoked (or never valid). */
  | 'unauthorized'
  /** 429: wait `retryAfter` seconds. */
  | 'flood'
  /** 409: another getUpdates, or a webhook, is in the way. */
  | 'conflict'
  /** Any other 4xx: Telegram refused this request; repeating it will not help. */
  | 'rejected'
  /** 5xx, a network error, a timeout: try again later. */
  | 'unavailable';

export class BotApiFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    /** Telegram's own words (`description`), or what went wrong on the way; never the token. */
    readonly description: string,
    readonly code: number | null = null,
    readonly retryAfter: number | null = null,
  ) {
    super(description);
    this.name = 'BotApiFailure';
  }

  static from(error: unknown, token: string): BotApiFailure {
    if (error instanceof BotApiFailure) return error;
    if (error instanceof GrammyError) {
      const description = scrub(error.description, token);
      const code = error.error_code;
      if (code === 401) return new BotApiFailure('unauthorized', description, code);
      if (code === 429) return new BotApiFailure('flood', description, code, error.parameters.retry_after ?? 1);
      if (code === 409) return new BotApiFailure('conflict', description, code);
      if (code >= 400 && code < 500) return new BotApiFailure('rejected', description, code);
      return new BotApiFailure('unavailable', `Telegram answered ${code}: ${description}`, code);
    }
    return new BotApiFailure('unavailable', `the Bot API could not be reached: ${networkReason(error, token)}`);
  }
}

/** A failure in the words of metrics: its kind (auth, flood, conflict, rejected, server, network) and its HTTP code. */
export function failureClass(failure: BotApiFailure): { kind: string; error: string } {
  const kinds: Record<FailureKind, string> = { unauthorized: 'auth', flood: 'flood', conflict: 'conflict', rejected: 'rejected', unavailable: 'server' };
  if (failure.code === null) return { kind: 'network', error: 'network' };
  return { kind: kinds[failure.kind], error: String(failure.code) };
}

export interface BotClientOptions {
  apiRoot: string;
  /** Longest wait for one call, long polls included. */
  timeoutSeconds: number;
  /** Told of every failed call (for metrics), except calls aborted on purpose. */
  onFailure?: (failure: BotApiFailure) => void;
}

export class BotClient {
  readonly api: Api;

  constructor(
    private readonly token: string,
    private readonly options: BotClientOptions,
  ) {
    this.api = new Api(token, { apiRoot: options.apiRoot, timeoutSeconds: options.timeoutSeconds });
  }

  /** Runs one Bot API call; any failure comes out as a BotApiFailure. */
  async call<T>(request: (api: Api) => Promise<T>): Promise<T> {
    try {
      return await request(this.api);
    } catch (error) {
      const failure = BotApiFailure.from(error, this.token);
      if (!aborted(error)) this.options.onFailure?.(failure);
      throw failure;
    }
  }

  /** Where getFile's `file_path` is downloaded from. It contains the token: never log it. */
  fileUrl(filePath: string): string {
    return `${this.options.apiRoot}/file/bot${this.token}/${filePath.split('/').map(encodeURIComponent).join('/')}`;
  }

  failure(error: unknown): BotApiFailure {
    return BotApiFailure.from(error, this.token);
  }
}

function aborted(error: unknown): boolean {
  const cause = error instanceof HttpError ? error.error : error;
  return cause instanceof Error && cause.name === 'AbortError';
}

/** A short cause for a network failure (ECONNREFUSED, a timeout), without URLs or the token. */
function networkReason(error: unknown, token: string): string {
  const cause = error instanceof HttpError ? error.error : error;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : undefined;
  const errno = typeof cause === 'object' && cause !== null && 'errno' in cause ? String(cause.errno) : undefined;
  if (code && /^E[A-Z_]+$/.test(code)) return code;
  if (errno && /^E[A-Z_]+$/.test(errno)) return errno;
  const message = cause instanceof Error ? cause.message : String(cause);
  return scrub(message, token);
}

/** Removes URLs and the token from a message. */
export function scrub(message: string, token: string): string {
  let text = message.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>');
  if (token) text = text.split(token).join('<token>');
  return text.slice(0, 500);
}
