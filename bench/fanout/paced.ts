// Open-loop load: messages offered at a fixed rate whatever the answers do (a slow server builds a queue
// instead of slowing the sender down, as real customers would), each text stamped with the time it was sent.
import { describeFailures, type UpdateFactory, type WebhookClient, type WebhookTarget } from '../lib/updates.js';

/** Requests waiting for an answer, in seconds of offered load, after which the server counts as saturated. */
const SATURATED_AFTER_SECONDS = 0.5;

export interface PacedResult {
  sent: number;
  /** The server fell so far behind that sending stopped early: latencies are queueing, not delivery. */
  saturated: boolean;
  ok: number;
  failures: string;
}

/**
 * Sends `rate` messages a second for `seconds`; message i goes to `route(i)`. Resolves once all are answered.
 * Stops early when more than SATURATED_AFTER_SECONDS of load waits for answers (the run would only grow a queue).
 */
export async function paced(
  client: WebhookClient,
  factory: UpdateFactory,
  route: (i: number) => { target: WebhookTarget; customer: number },
  rate: number,
  seconds: number,
): Promise<PacedResult> {
  const total = Math.round(rate * seconds);
  const answers: Promise<number>[] = [];
  let answered = 0;
  let saturated = false;
  const started = performance.now();
  while (answers.length < total && !saturated) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
    while (answers.length < due) {
      const { target, customer } = route(answers.length);
      const answer = client.post(target, factory.message(customer, `fo ${performance.timeOrigin + performance.now()}`));
      answers.push(answer.finally(() => (answered += 1)));
    }
    saturated = answers.length - answered > rate * SATURATED_AFTER_SECONDS;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const statuses = await Promise.all(answers);
  const failed = new Map<number, number>();
  for (const status of statuses) if (status !== 200) failed.set(status, (failed.get(status) ?? 0) + 1);
  return { sent: answers.length, saturated, ok: statuses.length - [...failed.values()].reduce((a, b) => a + b, 0), failures: describeFailures(failed) };
}
