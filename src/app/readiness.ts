// Whether this process should get traffic now (`/api/ready`): its dependencies answer and its own duties run.
// Liveness (`/api/health`) is separate and checks nothing, so an orchestrator never restarts a process for a
// database outage that a restart cannot fix.
import { sql } from 'kysely';
import type { Logger } from '../log.js';
import type { Database } from '../store/db.js';

/**
 * One dependency or duty: resolves when fine, throws otherwise. The answer is public: only a NotReady's reason is
 * shown; any other error (a driver's message may name hosts) is logged and shown as `unavailable`.
 */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export class NotReady extends Error {
  override name = 'NotReady';
}

export interface CheckResult {
  status: 'ok' | 'failed';
  reason?: string;
}

/** What a part that watches itself says (the channel runtime's reconcile loop). */
export type LoopHealth = { alive: true } | { alive: false; reason: string };

export interface Readiness {
  ready: boolean;
  checks: Record<string, CheckResult>;
}

/** A check that has not answered by then has failed: a probe must answer well within its own timeout. */
const CHECK_TIMEOUT_MS = 2_000;

export class ReadinessProbe {
  #draining = false;

  constructor(
    private readonly checks: ReadinessCheck[],
    private readonly logger: Logger,
  ) {}

  /** The process is shutting down: it stays live but asks for no more traffic. */
  drain(): void {
    this.#draining = true;
  }

  async run(): Promise<Readiness> {
    const results = await Promise.all(this.checks.map(async ({ name, check }) => [name, await this.#outcome(name, check)] as const));
    if (this.#draining) results.push(['shutdown', { status: 'failed', reason: 'shutting down' }]);
    return { ready: results.every(([, result]) => result.status === 'ok'), checks: Object.fromEntries(results) };
  }

  async #outcome(name: string, check: () => Promise<void>): Promise<CheckResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new NotReady(`no answer within ${CHECK_TIMEOUT_MS / 1000} s`)), CHECK_TIMEOUT_MS);
    });
    try {
      await Promise.race([check(), timeout]);
      return { status: 'ok' };
    } catch (error) {
      if (error instanceof NotReady) return { status: 'failed', reason: error.message };
      this.logger.warn({ err: error, check: name }, 'readiness check failed');
      return { status: 'failed', reason: 'unavailable' };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A check from a part that judges its own health (the channel runtime's reconcile loop). */
function healthOf(part: { loopHealth(): LoopHealth }): () => Promise<void> {
  return async () => {
    const health = part.loopHealth();
    if (!health.alive) throw new NotReady(health.reason);
  };
}

/** This process's checks: the database; Redis when configured; the channel runtime when it runs channels. */
export function readinessProbe(parts: {
  database: Database;
  pingRedis: (() => Promise<void>) | null;
  runtime: { loopHealth(): LoopHealth } | null;
  logger: Logger;
}): ReadinessProbe {
  const { database, pingRedis, runtime } = parts;
  const checks: ReadinessCheck[] = [{ name: 'database', check: async () => void (await sql`select 1`.execute(database.db)) }];
  if (pingRedis) checks.push({ name: 'redis', check: pingRedis });
  if (runtime) checks.push({ name: 'runtime', check: healthOf(runtime) });
  return new ReadinessProbe(checks, parts.logger);
}
