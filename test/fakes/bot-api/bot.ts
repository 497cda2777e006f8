// The test's handle on one fake bot: play its users, inject faults, inspect what it was asked.
import type { Chat, Message, Update, UserFromGetMe, WebhookInfo } from '@grammyjs/types';
import type { BotState } from './bot-state.js';
import type { CallPredicate } from './call-log.js';
import { Customer, Group, type Profile } from './customer.js';
import { unauthorized } from './errors.js';
import type { StoredFile } from './files.js';
import type { Fault, FaultHandle, RecordedCall, UpdatePayload } from './types.js';

export type GroupOptions =
  | { type: 'group'; title: string; id?: number }
  | { type: 'supergroup'; title: string; id?: number; username?: string; is_forum?: true };

export class FakeBot {
  private groupCount = 0;

  constructor(private readonly state: BotState) {}

  get token(): string {
    return this.state.token;
  }

  /** What getMe answers. */
  get me(): UserFromGetMe {
    return this.state.me;
  }

  /** A user with a private chat with the bot (as if they had pressed Start). */
  customer(profile: Profile): Customer {
    return new Customer(this.state, profile);
  }

  /** A group the bot is a member of; ids look like Telegram's (-N for groups, -100N for supergroups). */
  group(options: GroupOptions): Group {
    const n = ++this.groupCount;
    const chat: Chat.GroupChat | Chat.SupergroupChat =
      options.type === 'group'
        ? { id: -(4_000_000_000 + n), ...options }
        : { id: -(1_000_000_000_000 + n), ...options };
    return new Group(this.state, chat);
  }

  /**
   * Queues any update (business_connection, message_reaction...). It is applied (a message then
   * exists, a kicked my_chat_member blocks) and delivered unless allowed_updates excludes its kind.
   */
  pushUpdate<P extends UpdatePayload>(payload: P): P & { update_id: number } {
    return this.state.pushUpdate(payload);
  }

  /** For raw messages given to pushUpdate: the next id in that chat. */
  nextMessageId(chatId: number): number {
    return this.state.chats.nextMessageId(chatId);
  }

  /** Fails calls of `method` (case-insensitive; 'download' for file downloads) until cleared or `times` runs out. */
  fail(method: string, fault: Fault, options: { times?: number } = {}): FaultHandle {
    return this.state.faults.add(method, fault, options.times);
  }

  clearFaults(method?: string): void {
    this.state.faults.clear(method);
  }

  /** The token stops working, as after /revoke in BotFather: every call answers 401. */
  revoke(): void {
    this.state.revoked = true;
    this.state.poll.terminate(unauthorized());
  }

  /** Calls in arrival order, all methods or one (case-insensitive), failed ones included. */
  calls(method?: string): RecordedCall[] {
    return this.state.calls.list(method);
  }

  /** The first call of `method` matching `predicate`, made already or to come. */
  waitForCall(method: string, predicate: CallPredicate = () => true, timeoutMs = 5_000): Promise<RecordedCall> {
    return this.state.calls.waitFor(method, predicate, timeoutMs);
  }

  /** Updates not yet confirmed by getUpdates nor accepted by the webhook. */
  pendingUpdates(): Update[] {
    return this.state.queue.peek(Number.POSITIVE_INFINITY);
  }

  webhookInfo(): WebhookInfo {
    return this.state.webhook.info();
  }

  /** A file the bot can reach, with its bytes. */
  file(fileId: string): StoredFile | undefined {
    return this.state.files.get(fileId);
  }

  /** A message as the fake last knew it (after edits; undefined once deleted). */
  message(chatId: number, messageId: number): Message | undefined {
    return this.state.chats.message(chatId, messageId);
  }
}
