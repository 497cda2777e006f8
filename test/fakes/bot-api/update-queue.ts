// A bot's pending updates, with the Bot API's confirmation-by-offset and allowed_updates rules.
import type { Update } from '@grammyjs/types';
import type { UpdateKind, UpdatePayload } from './types.js';

/** Telegram's default when allowed_updates was never set or was set to []. */
const NOT_SENT_BY_DEFAULT: ReadonlySet<string> = new Set([
  'chat_member',
  'message_reaction',
  'message_reaction_count',
]);

export function kindOf(update: UpdatePayload): UpdateKind {
  const kinds = Object.keys(update).filter((key): key is UpdateKind => key !== 'update_id');
  const [kind] = kinds;
  if (kind === undefined || kinds.length > 1) {
    throw new Error(`An update carries exactly one field besides update_id, got: ${kinds.join(', ') || 'none'}`);
  }
  return kind;
}

export class UpdateQueue {
  private items: Update[] = [];
  private allowed: ReadonlySet<string> | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private nextId: number) {}

  /**
   * Assigns the next update_id. An update of a kind the bot did not ask for is never created,
   * which is also why a later allowed_updates does not affect updates already queued.
   */
  push<P extends UpdatePayload>(payload: P): { update: P & { update_id: number }; queued: boolean } {
    const update = { update_id: this.nextId++, ...payload };
    const queued = this.accepts(kindOf(payload));
    if (queued) {
      this.items.push(update);
      for (const listener of [...this.listeners]) listener();
    }
    return { update, queued };
  }

  /** An empty list restores the default set. */
  setAllowed(kinds: readonly string[]): void {
    this.allowed = kinds.length === 0 ? undefined : new Set(kinds);
  }

  /** Undefined while the default applies (then getWebhookInfo leaves the field out). */
  allowedUpdates(): UpdateKind[] | undefined {
    return this.allowed === undefined ? undefined : ([...this.allowed] as UpdateKind[]);
  }

  /** An offset confirms every update below it; a negative one keeps only the last -offset. */
  confirm(offset: number): void {
    if (offset < 0) this.items = this.items.slice(offset);
    else this.items = this.items.filter((update) => update.update_id >= offset);
  }

  peek(limit: number): Update[] {
    return this.items.slice(0, limit);
  }

  first(): Update | undefined {
    return this.items[0];
  }

  remove(updateId: number): void {
    this.items = this.items.filter((update) => update.update_id !== updateId);
  }

  clear(): void {
    this.items = [];
  }

  get size(): number {
    return this.items.length;
  }

  /** Calls `listener` after each queued update; returns the unsubscribe function. */
  onPush(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private accepts(kind: UpdateKind): boolean {
    return this.allowed === undefined ? !NOT_SENT_BY_DEFAULT.has(kind) : this.allowed.has(kind);
  }
}
