// Telegram-shaped bot updates from many customers, and the load generator that posts them to a webhook URL the
// way Telegram does (JSON, the secret header), with a fixed number of requests in flight.
import { Agent, request } from 'node:http';
import { SECRET_HEADER } from '../../src/channels/telegram-bot/webhook.js';

export interface WebhookTarget {
  /** Base URL of the receiving process. */
  url: string;
  /** Bot account id (the path segment) and its secret header value. */
  id: number;
  secret: string;
}

/** The Telegram user id of the bench's customer number `n`. */
export function customerId(n: number): number {
  return 500_000_000 + n;
}

/** Numbers updates and messages so that no two updates sent in one run are the same message. */
export class UpdateFactory {
  private updateId = 1;
  private messageId = 1;

  constructor(private readonly customers: number) {}

  /** The next text message from customer `n % customers` (Telegram user id customerId(n)). */
  message(n: number, text = `message ${n}`): Record<string, unknown> {
    const customer = customerId(n % this.customers);
    const from = { id: customer, is_bot: false, first_name: `Customer ${customer}` };
    return {
      update_id: this.updateId++,
      message: { message_id: this.messageId++, date: Math.floor(Date.now() / 1000), chat: { id: customer, type: 'private', first_name: from.first_name }, from, text },
    };
  }
}

/** Posts webhook requests over keep-alive connections; resolves with the status code. */
export class WebhookClient {
  private readonly agent: Agent;

  constructor(sockets: number) {
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets });
  }

  post(target: WebhookTarget, update: Record<string, unknown>): Promise<number> {
    const body = JSON.stringify(update);
    return new Promise((resolve) => {
      const outgoing = request(
        `${target.url}/api/webhook/bot/${target.id}/`,
        {
          method: 'POST',
          agent: this.agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), [SECRET_HEADER]: target.secret },
        },
        (answer) => {
          answer.resume();
          answer.on('end', () => resolve(answer.statusCode ?? 0));
        },
      );
      outgoing.on('error', () => resolve(0));
      outgoing.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface LoadResult {
  /** Requests answered 200, per second. */
  perSecond: number;
  ok: number;
  /** Answers other than 200 (0 = no answer), by status. */
  failed: Map<number, number>;
}

/**
 * Keeps `concurrency` requests in flight for `seconds`, round-robin over `targets`, one update per request
 * from `factory`. Counts only 200 answers; the caller checks afterwards that each of those was stored.
 */
export async function closedLoop(
  client: WebhookClient,
  targets: readonly WebhookTarget[],
  factory: UpdateFactory,
  options: { concurrency: number; seconds: number; counter: { sent: number } },
): Promise<LoadResult> {
  const failed = new Map<number, number>();
  let ok = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < deadline) {
        const n = options.counter.sent++;
        const target = targets[n % targets.length] as WebhookTarget;
        const status = await client.post(target, factory.message(n));
        if (status === 200) ok += 1;
        else failed.set(status, (failed.get(status) ?? 0) + 1);
      }
    }),
  );
  return { perSecond: ok / ((performance.now() - started) / 1000), ok, failed };
}

export function describeFailures(failed: Map<number, number>): string {
  return [...failed].map(([status, count]) => `${count}× ${status === 0 ? 'no answer' : status}`).join(', ');
}
