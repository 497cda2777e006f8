// Closing the job queue at shutdown without waiting on a job that does not end: the rest of the shutdown must
// go on within its 10 s.
import type { Logger } from '../log.js';
import type { JobQueue } from './queue.js';

/** Running jobs may finish for this long; one still running after it is left as its row says, for recovery at the next start. */
export const JOB_DRAIN_MS = 4_000;

/** Closes the queue (no new jobs; running ones finish), waiting at most JOB_DRAIN_MS. Never throws. */
export async function drainJobs(jobs: JobQueue, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), JOB_DRAIN_MS)));
  // a failure is logged, also one that comes after the wait
  const closing = jobs.close().then(
    () => 'drained' as const,
    (error: unknown) => {
      logger.error({ err: error }, 'the job queue did not close cleanly');
      return 'failed' as const;
    },
  );
  const outcome = await Promise.race([closing, late]);
  clearTimeout(timer);
  if (outcome === 'late') logger.warn({ waitedMs: JOB_DRAIN_MS }, 'jobs still running at shutdown; recovery resumes them at the next start');
}
