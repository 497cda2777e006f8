import type { BotState } from '../bot-state.js';
import type { Params } from '../params.js';
import type { ServerSettings, UploadedFile } from '../types.js';

export interface MethodContext {
  readonly state: BotState;
  readonly params: Params;
  readonly files: readonly UploadedFile[];
  readonly settings: ServerSettings;
  /** Aborts when the client hangs up. */
  readonly signal: AbortSignal;
}

/** Returns the method's `result`; throws TelegramError for an error answer. */
export type MethodHandler = (context: MethodContext) => unknown;

/** A result that Telegram sends with a `description` beside it (setWebhook, deleteWebhook). */
export class Described {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}
