// Everything the fake keeps for one bot; the server's methods and the test-facing FakeBot share it.
import { randomInt } from 'node:crypto';
import type { Message, User, UserFromGetMe } from '@grammyjs/types';
import { CallLog } from './call-log.js';
import { ChatStore } from './chats.js';
import { FaultBook } from './faults.js';
import { FileStore } from './files.js';
import { LongPoll } from './long-poll.js';
import type { BotIdentity, ServerSettings, UpdatePayload } from './types.js';
import { UpdateQueue } from './update-queue.js';
import { WebhookDelivery, type WebhookReplyHandler } from './webhook.js';

export class BotState {
  readonly token: string;
  readonly me: UserFromGetMe;
  revoked = false;
  /** Telegram starts a bot's update_id anywhere; a random start catches code that assumes 1. */
  readonly queue = new UpdateQueue(randomInt(100_000_000, 900_000_000));
  readonly files = new FileStore();
  readonly chats = new ChatStore();
  readonly faults = new FaultBook();
  readonly calls = new CallLog();
  readonly poll = new LongPoll();
  readonly webhook: WebhookDelivery;

  constructor(identity: BotIdentity, settings: ServerSettings, onWebhookReply: WebhookReplyHandler) {
    const { token, id, ...profile } = identity;
    this.token = token;
    this.me = {
      id: id ?? idFromToken(token),
      is_bot: true,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
      ...profile,
    };
    this.webhook = new WebhookDelivery(this.queue, settings, onWebhookReply);
  }

  /** The bot as the `from` of its messages. */
  get user(): User {
    return { id: this.me.id, is_bot: true, first_name: this.me.first_name, username: this.me.username };
  }

  /**
   * Applies what the update says happened (a message exists, the user blocked the bot) and queues
   * it. The side effects apply even when allowed_updates keeps the update itself from the bot.
   */
  pushUpdate<P extends UpdatePayload>(payload: P): P & { update_id: number } {
    this.observe(payload);
    return this.queue.push(payload).update;
  }

  private observe(payload: UpdatePayload): void {
    for (const message of carriedMessages(payload)) this.chats.store(message);
    const member = payload.my_chat_member;
    if (member !== undefined && member.chat.type === 'private') {
      this.chats.register(member.chat);
      this.chats.setBlocked(member.from.id, member.new_chat_member.status === 'kicked');
    }
  }
}

function carriedMessages(payload: UpdatePayload): Message[] {
  const candidates = [
    payload.message,
    payload.edited_message,
    payload.channel_post,
    payload.edited_channel_post,
    payload.business_message,
    payload.edited_business_message,
  ];
  return candidates.filter((message) => message !== undefined);
}

function idFromToken(token: string): number {
  const id = Number(token.split(':')[0]);
  if (!Number.isSafeInteger(id)) throw new Error(`Cannot read a bot id from token "${token}"; pass \`id\``);
  return id;
}
