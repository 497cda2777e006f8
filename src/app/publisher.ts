// Domain events → frames for exactly the operators allowed to see them, numbered per operator by the event
// log, then handed to every process's WebSocket hub over the bus.
import { canSee, scopeOf } from '../domain/visibility.js';
import type { Logger } from '../log.js';
import { presentAccount, presentChat, presentChatAccount, presentLogin, presentMessage } from '../wire/present.js';
import type { EventBus } from '../realtime/bus.js';
import type { EventLog } from '../realtime/event-log.js';
import type { FramesMessage } from '../realtime/frames-message.js';
import type { OperatorDirectory } from './directory.js';
import type { ChatAccess, DomainEvent, EventSink } from './events.js';
import type { SettingsService } from './settings.js';

type Entry = { operatorId: number; type: string; data: unknown };

/** How often a process that dropped frames tries again to announce it while Redis is still away. */
const LOSS_NOTICE_RETRY_MS = 500;

export class RealtimePublisher implements EventSink {
  /** Frames were dropped since the last `frames.lost` notice went out. */
  #unannounced = false;
  #announcing = false;
  #closed = false;

  constructor(
    private readonly deps: {
      directory: OperatorDirectory;
      settings: SettingsService;
      log: EventLog;
      bus: EventBus;
      logger: Logger;
    },
  ) {}

  async publish(events: DomainEvent[]): Promise<void> {
    const at = Date.now();
    try {
      const entries = await this.entriesFor(events);
      if (entries.length === 0) return;
      const frames = await this.deps.log.append(entries);
      const message: FramesMessage = { epoch: this.deps.log.epoch, at, frames };
      await this.deps.bus.publish('frames', message);
    } catch (error) {
      // The data is committed; a client that missed frames catches up through /api/events or a reload.
      this.deps.logger.error({ err: error }, 'publishing realtime events failed');
      this.#announceLoss();
    }
  }

  /** Stops announcing losses (the bus is about to close). */
  close(): void {
    this.#closed = true;
  }

  /**
   * Each hub resets its sockets when its own bus connection is back, but this process's connections reconnect on
   * their own and may come back after a hub's did: frames it drops then would be lost unseen. So every loss is
   * announced on the bus as soon as it carries messages again, and every hub resets its sockets on the notice.
   */
  #announceLoss(): void {
    this.#unannounced = true;
    if (!this.#announcing) void this.#announce();
  }

  async #announce(): Promise<void> {
    this.#announcing = true;
    while (this.#unannounced && !this.#closed) {
      this.#unannounced = false;
      try {
        await this.deps.bus.reach('frames.lost', {});
      } catch {
        this.#unannounced = true;
        await new Promise((resolve) => setTimeout(resolve, LOSS_NOTICE_RETRY_MS).unref());
      }
    }
    this.#announcing = false;
  }

  private async entriesFor(events: DomainEvent[]): Promise<Entry[]> {
    const [operators, settings] = await Promise.all([this.deps.directory.active(), this.deps.settings.current()]);
    const scopes = operators.map((operator) => ({ operatorId: operator.id as number, scope: scopeOf(operator, settings) }));
    const entries: Entry[] = [];
    for (const event of events) {
      for (const { operatorId, scope } of scopes) {
        const entry = frameFor(event, (chat) => canSee(scope, chat), scope.kind === 'all');
        if (entry) entries.push({ operatorId, ...entry });
      }
    }
    return entries;
  }
}

/** What one operator receives for one event, or nothing. */
function frameFor(
  event: DomainEvent,
  sees: (chat: ChatAccess) => boolean,
  isAdmin: boolean,
): { type: string; data: unknown } | undefined {
  switch (event.type) {
    case 'message.created':
    case 'message.updated':
      return sees(event.chat) ? { type: event.type, data: presentMessage(event.message) } : undefined;
    case 'chat.created':
      return sees(event.chat.chat) ? { type: 'chat.created', data: presentChat(event.chat) } : undefined;
    case 'chat.updated': {
      const now = sees(event.chat.chat);
      const before = sees(event.before);
      if (now) return { type: before ? 'chat.updated' : 'chat.created', data: presentChat(event.chat) };
      return before ? { type: 'chat.removed', data: { id: event.chat.chat.id } } : undefined;
    }
    case 'account.updated':
      // Operators learn a source's status (their composer says why it cannot send), never its settings or login.
      if (!isAdmin) return { type: 'account.updated', data: presentChatAccount(event.account) };
      return { type: 'account.updated', data: { ...presentAccount(event.account), ...(event.login && { login: presentLogin(event.login) }) } };
  }
}
