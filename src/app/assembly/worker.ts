// The worker assembly of a process (PARLEY_ROLE=all or worker): job handlers, recovery, the channel runtime
// with its leases, and the periodic sweeps. Returns what stops it, in order.
import type { Config } from '../../config.js';
import type { AccountId } from '../../domain/ids.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { AccountLeases } from '../../leases/lease.js';
import type { Logger } from '../../log.js';
import type { EventBus } from '../../realtime/bus.js';
import type { AccountRepository } from '../../store/accounts.js';
import { syncDemoAccount } from '../demo.js';
import type { MediaService } from '../media.js';
import { recoverInterruptedWork, requeuePendingWork } from '../recovery.js';
import type { RetentionJob } from '../retention.js';
import type { ChannelRuntime } from '../runtime.js';
import type { SendJob } from '../send.js';
import type { WaitingChats } from '../waiting-chats.js';

const RECONCILE_INTERVAL_MS = 5_000;
const RETENTION_INTERVAL_MS = 24 * 3600_000;
const SWEEP_INTERVAL_MS = 60_000;

export interface WorkParts {
  config: Config;
  logger: Logger;
  bus: EventBus;
  jobs: JobQueue;
  runtime: ChannelRuntime;
  leases: AccountLeases;
  /** Distributed leases (workers): recovery runs per account as its lease is taken, not all at once. */
  distributed: boolean;
  accounts: AccountRepository;
  recovery: Parameters<typeof recoverInterruptedWork>[0];
  send: SendJob;
  media: MediaService;
  retention: RetentionJob;
  waitingChats: WaitingChats;
  backoffBaseMs: number;
}

export interface Work {
  /** Gives the accounts back (channels stopped first), then stops the runtime. */
  close(): Promise<void>;
}

export async function startWork(parts: WorkParts): Promise<Work> {
  const { config, logger, bus, jobs, runtime, leases, recovery, backoffBaseMs } = parts;
  jobs.handle('message.send', (payload, context) => parts.send.run(payload, context), { concurrency: 8, maxAttempts: 50, backoffMs: backoffBaseMs });
  jobs.handle('media.download', (payload, context) => parts.media.download(payload, context), { concurrency: 2, maxAttempts: 20, backoffMs: backoffBaseMs });
  jobs.handle('messages.cleanup', async () => void (await parts.retention.run()), { concurrency: 1, maxAttempts: 3, backoffMs: 60_000 });
  jobs.handle('chats.assign-waiting', () => parts.waitingChats.assign(), { concurrency: 1, maxAttempts: 1, backoffMs: SWEEP_INTERVAL_MS });
  await bus.subscribe('accounts.changed', (payload) => {
    const accountId = payload.accountId as AccountId;
    // a new account finds a holder at once rather than at the next lease round
    if (!leases.holds(accountId)) void leases.balance().catch((error: unknown) => logger.error({ err: error }, 'lease round failed'));
    void runtime.reconcile(accountId);
  });
  await bus.subscribe('settings.changed', () => void parts.waitingChats.assign());
  const demoChanged = await syncDemoAccount(parts.accounts, config.demo, logger);
  if (demoChanged !== null) await bus.publish('accounts.changed', { accountId: demoChanged });
  if (!parts.distributed) await recoverInterruptedWork(recovery);
  await jobs.start();
  // one schedule each across all processes sharing the queue (BullMQ job schedulers)
  await jobs.every('messages.cleanup', {}, RETENTION_INTERVAL_MS);
  await jobs.every('chats.assign-waiting', {}, SWEEP_INTERVAL_MS);
  await leases.start(runtime);
  await runtime.startLoop(RECONCILE_INTERVAL_MS);
  // the row is the truth: each process re-enqueues the pending work of the accounts it runs
  const sweepNow = () => void sweep(parts).catch((error: unknown) => logger.error({ err: error }, 'sweeping pending work failed'));
  // Redis back: what was stored as pending meanwhile (or lost with a Redis that restarted empty) is enqueued now
  jobs.onReconnect(sweepNow);
  const sweeper = setInterval(sweepNow, SWEEP_INTERVAL_MS);
  sweeper.unref();
  return {
    async close() {
      clearInterval(sweeper);
      if (parts.distributed) {
        // a worker hands its accounts over as they are: each channel stops, then its lease is freed
        await leases.close();
        await runtime.close();
      } else {
        // the embedded process reports its accounts stopped
        await runtime.close();
        await leases.close();
      }
    },
  };
}

async function sweep({ distributed, leases, recovery }: WorkParts): Promise<void> {
  if (!distributed) return void (await requeuePendingWork(recovery));
  for (const accountId of leases.held()) await requeuePendingWork(recovery, accountId);
}
