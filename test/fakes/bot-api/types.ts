import type { ApiResponse, Chat, Update, UserFromGetMe } from '@grammyjs/types';

export interface FakeBotApiOptions {
  /** getFile refuses bigger files, as the cloud Bot API does above 20 MB. */
  downloadLimitBytes?: number;
  /** Request bodies above this answer 413, as the cloud Bot API does above 50 MB. */
  uploadLimitBytes?: number;
  /** Pause before redelivering an update the webhook receiver did not accept. */
  webhookRetryDelayMs?: number;
  /** How long a webhook receiver may take to answer before the delivery counts as failed. */
  webhookTimeoutMs?: number;
}

export type ServerSettings = Required<FakeBotApiOptions>;

export const DEFAULT_SETTINGS: ServerSettings = {
  downloadLimitBytes: 20 * 1024 * 1024,
  uploadLimitBytes: 50 * 1024 * 1024,
  webhookRetryDelayMs: 50,
  webhookTimeoutMs: 10_000,
};

/** A bot as BotFather registered it; `id` defaults to the number before the colon of the token. */
export type BotIdentity = { token: string; id?: number } & Pick<UserFromGetMe, 'username' | 'first_name'> &
  Partial<Omit<UserFromGetMe, 'id' | 'is_bot' | 'username' | 'first_name'>>;

export type UpdateKind = Exclude<keyof Update, 'update_id'>;

/** What `pushUpdate` takes: an update without its id, which the queue assigns. */
export type UpdatePayload = Omit<Update, 'update_id'>;

/** An update known to carry the field `K`. */
export type UpdateOf<K extends UpdateKind> = Update & Required<Pick<Update, K>>;

/** Chats a customer can write in: everything but channels. */
export type SenderChat = Exclude<Chat, Chat.ChannelChat>;

export interface UploadedFile {
  /** Name of the multipart part (grammY uses a random id and refers to it as `attach://<id>`). */
  readonly field: string;
  /** The parameter that refers to this part (e.g. `photo`), when one does. */
  readonly param: string | undefined;
  readonly fileName: string;
  /** As sent; grammY always sends `application/octet-stream`. */
  readonly mimeType: string;
  readonly bytes: Buffer;
}

export interface RecordedCall {
  /** The method name as called (Bot API method names are case-insensitive). */
  readonly method: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly files: readonly UploadedFile[];
  /** `webhook-reply` when the method came in the body of a webhook receiver's answer. */
  readonly via: 'http' | 'webhook-reply';
  /** Set once answered; stays undefined when the fake dropped the connection or the client hung up. */
  readonly response: ApiResponse<unknown> | undefined;
}

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 429 | 500 | 502;

/**
 * What an injected fault does to a call. `description` replaces the default, in full
 * (e.g. 'Bad Request: message is too long'). `delayMs` alone answers normally, late.
 */
export type Fault = (
  | { status: 429; retryAfter: number; description?: string }
  | { status: 400; description: string }
  | { status: Exclude<ErrorStatus, 400 | 429>; description?: string }
  | { drop: true }
  | { delayMs: number }
) & { delayMs?: number };

export interface FaultHandle {
  /** How many calls this fault has answered so far. */
  readonly hits: number;
  clear(): void;
}
