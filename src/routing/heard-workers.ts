// Who the workers are, as heard on the bus: a stand-in for the lease-based AccountOwners (src/leases/) until it
// lands. A process that runs channels says so every few seconds (`workers.alive`), at once when another process
// asks (`workers.who`), and when it leaves. Without leases every such process runs every account, so an
// account's owner is the first worker heard.
import type { AccountOwners } from '../leases/owners.js';
import type { EventBus } from '../realtime/bus.js';

const BEACON_INTERVAL_MS = 2000;
/** A worker not heard for this long is taken for gone. */
const SILENCE_MS = 3 * BEACON_INTERVAL_MS;
/** How long a process that just started waits to hear a worker before it concludes there is none. */
const FIRST_WORD_MS = 1000;

/** A worker's side: announces itself until closed. */
export class WorkerBeacon {
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly self: string,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.bus.subscribe('workers.who', () => void this.announce(false));
    await this.announce(false);
    this.timer = setInterval(() => void this.announce(false), BEACON_INTERVAL_MS);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.unsubscribe?.();
    await this.announce(true);
  }

  private announce(leaving: boolean): Promise<void> {
    return this.bus.publish('workers.alive', { id: this.self, leaving }).catch(() => undefined);
  }
}

/** An api process's side: the workers heard recently. */
export class HeardWorkers implements AccountOwners {
  private readonly heard = new Map<string, number>();
  private unsubscribe: (() => Promise<void>) | undefined;
  /** Resolves once a worker was heard, or FIRST_WORD_MS after start. */
  private firstWord: Promise<void> = Promise.resolve();

  constructor(
    private readonly bus: EventBus,
    readonly self: string,
  ) {}

  async start(): Promise<void> {
    let heardOne = () => {};
    this.firstWord = new Promise<void>((resolve) => {
      heardOne = resolve;
      setTimeout(resolve, FIRST_WORD_MS).unref();
    });
    this.unsubscribe = await this.bus.subscribe('workers.alive', ({ id, leaving }) => {
      if (leaving) this.heard.delete(id);
      else this.heard.set(id, Date.now());
      heardOne();
    });
    await this.bus.publish('workers.who', {});
  }

  async ownerOf(): Promise<string | null> {
    return (await this.liveWorkers())[0] ?? null;
  }

  async liveWorkers(): Promise<string[]> {
    await this.firstWord;
    const since = Date.now() - SILENCE_MS;
    return [...this.heard].filter(([, at]) => at >= since).map(([id]) => id).sort();
  }

  async close(): Promise<void> {
    await this.unsubscribe?.();
  }
}
