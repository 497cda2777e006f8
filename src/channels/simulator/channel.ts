// The simulator source: synthetic customers for demos, tests and benchmarks. Replies are recorded as
// delivered; tests can make the next sends fail to exercise retries.
import type { Account, AccountStatus } from '../../domain/account.js';
import type { Logger } from '../../log.js';
import type { Channel, Download, InboundSink, OutboundMessage, SendResult } from '../channel.js';
import { DEMO_CUSTOMERS, DEMO_LINES, pick } from './demo.js';
import { customerMessage, nextSimulatedId } from './messages.js';

/** The first customers write at once, so a new user sees a live inbox; then now and then. */
const DEMO_OPENING_DELAYS_MS = [1_000, 2_500, 4_000];
const DEMO_MIN_DELAY_MS = 20_000;
const DEMO_MAX_DELAY_MS = 60_000;

export class SimulatorChannel implements Channel {
  readonly network = 'simulator' as const;
  readonly capabilities = { idempotentSend: false };
  readonly accountId: Account['id'];
  /** What was "delivered" to customers, in order. */
  readonly delivered: OutboundMessage[] = [];
  private readonly faults: Error[] = [];
  private sink: InboundSink | undefined;
  private demoTimer: NodeJS.Timeout | undefined;
  private demoWrite: Promise<void> = Promise.resolve();
  private demoCount = 0;

  constructor(
    private readonly account: Account,
    private readonly logger: Logger,
  ) {
    this.accountId = account.id;
  }

  async start(sink: InboundSink): Promise<void> {
    this.sink = sink;
    await sink({ type: 'account.status', status: 'active', reason: null, until: null });
    if (this.account.settings.demo) this.scheduleDemo();
  }

  async stop(): Promise<void> {
    if (this.demoTimer) clearTimeout(this.demoTimer);
    this.demoTimer = undefined;
    this.sink = undefined;
    await this.demoWrite;
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const fault = this.faults.shift();
    if (fault) throw fault;
    this.delivered.push(message);
    return { externalId: nextSimulatedId(), sentAt: new Date() };
  }

  async download(): Promise<Download> {
    throw new Error('simulated customers send no files');
  }

  /** Reports a status as a Telegram channel would (a flood wait, a lost session): for stories of the admin console. */
  async reportStatus(status: AccountStatus, reason: string | null, until: Date | null = null): Promise<void> {
    await this.sink?.({ type: 'account.status', status, reason, until });
  }

  /** Makes the next sends throw these errors, one each (for tests of the retry path). */
  failNext(...errors: Error[]): void {
    this.faults.push(...errors);
  }

  private scheduleDemo(): void {
    const delayMs =
      DEMO_OPENING_DELAYS_MS[this.demoCount] ?? DEMO_MIN_DELAY_MS + Math.random() * (DEMO_MAX_DELAY_MS - DEMO_MIN_DELAY_MS);
    this.demoCount += 1;
    this.demoTimer = setTimeout(() => {
      const sink = this.sink;
      if (!sink) return;
      this.demoWrite = sink({ type: 'message.new', message: customerMessage(pick(DEMO_CUSTOMERS), pick(DEMO_LINES)) }).catch(
        (error: unknown) => this.logger.warn({ err: error, accountId: this.accountId }, 'demo message not stored'),
      );
      this.scheduleDemo();
    }, delayMs);
    this.demoTimer.unref();
  }
}
