// An operator opened a chat: where the source shows read receipts (personal accounts), the customer sees his
// messages read — unless the account's `mark_read` setting is off. Runs in the process that holds the
// account's connection (the request may have reached another one; the bus carries it over).
import type { ChatId } from '../domain/ids.js';
import type { Logger } from '../log.js';
import type { AccountRepository } from '../store/accounts.js';
import type { ChatRepository } from '../store/chats.js';
import type { Database } from '../store/db.js';
import type { ChannelLookup } from './send.js';

interface Deps {
  database: Database;
  accounts: AccountRepository;
  chats: ChatRepository;
  channels: ChannelLookup;
  logger: Logger;
}

export class ReadReceipts {
  constructor(private readonly deps: Deps) {}

  async chatRead(chatId: ChatId): Promise<void> {
    const { database, accounts, chats, channels, logger } = this.deps;
    const chat = await chats.findById(database.db, chatId);
    const account = chat && (await accounts.findById(chat.accountId));
    if (!chat || !account || account.settings.mark_read === false) return;
    const channel = channels.channel(account.id);
    if (!channel?.markRead) return;
    try {
      await channel.markRead(chat.externalId);
    } catch (error) {
      logger.warn({ err: error, accountId: account.id, chatId }, 'could not mark the chat read on Telegram');
    }
  }
}
