// Domain events → frames for exactly the operators allowed to see them, numbered per operator by the event
// log, then handed to every process's WebSocket hub over the bus. The cost of an event follows the operators
// who may see its chat (the directory's index), and what they receive is presented once and shared.
import type { Audience, Member } from '../domain/visibility.js';
import type { Logger } from '../log.js';
import { presentAccount, presentChat, presentChatAccount, presentLogin, presentMessage } from '../wire/present.js';
import type { EventBus } from '../realtime/bus.js';
import type { Batch, EventLog, Payload } from '../realtime/event-log.js';
import type { FramesMessage } from '../realtime/frames-message.js';
import type { OperatorDirectory } from './directory.js';
import type { DomainEvent, EventSink } from './events.js';
import type { SettingsService } from './settings.js';

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
      const batch = await this.batchFor(events);
      if (batch.deliveries.length === 0) return;
      const frames = await this.deps.log.append(batch);
      const message: FramesMessage = { epoch: this.deps.log.epoch, at, payloads: batch.payloads, frames };
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

  private async batchFor(events: DomainEvent[]): Promise<Batch> {
    const settings = await this.deps.settings.current();
    const audience = await this.deps.directory.audience(settings);
    const batch: Batch = { payloads: [], deliveries: [] };
    const give = (members: readonly Member[], payload: Payload) => {
      if (members.length === 0) return;
      const index = batch.payloads.push(payload) - 1;
      for (const { operatorId } of members) batch.deliveries.push({ operatorId, payload: index });
    };
    for (const event of events) deliver(event, audience, give);
    return batch;
  }
}

/** Gives each operator who may see the event its frame, one payload per distinct frame. */
function deliver(event: DomainEvent, audience: Audience, give: (members: readonly Member[], payload: Payload) => void): void {
  switch (event.type) {
    case 'message.created':
    case 'message.updated':
      return give(audience.of(event.chat), { type: event.type, data: presentMessage(event.message) });
    case 'chat.created':
      return give(audience.of(event.chat.chat), { type: 'chat.created', data: presentChat(event.chat) });
    case 'chat.updated': {
      const before = audience.of(event.before);
      const now = audience.of(event.chat.chat);
      const sawIt = new Set(before.map(({ operatorId }) => operatorId));
      const seesIt = new Set(now.map(({ operatorId }) => operatorId));
      const data = presentChat(event.chat);
      // Who could not see the chat before learns of it as new; who no longer may sees it go.
      give(now.filter(({ operatorId }) => sawIt.has(operatorId)), { type: 'chat.updated', data });
      give(now.filter(({ operatorId }) => !sawIt.has(operatorId)), { type: 'chat.created', data });
      return give(before.filter(({ operatorId }) => !seesIt.has(operatorId)), { type: 'chat.removed', data: { id: event.chat.chat.id } });
    }
    case 'account.updated': {
      // Operators learn a source's status (their composer says why it cannot send), never its settings or login.
      const { account, login } = event;
      give(audience.admins, { type: 'account.updated', data: { ...presentAccount(account), ...(login && { login: presentLogin(login) }) } });
      return give(audience.operators, { type: 'account.updated', data: presentChatAccount(account) });
    }
  }
}
