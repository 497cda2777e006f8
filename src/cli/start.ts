import { createParley } from '../app/parley.js';
import { loadConfig, type ProcessRole } from '../config.js';
import { buildHealthServer } from '../http/health-server.js';
import { WEB_ROOT } from '../http/routes/root.js';
import { buildServer } from '../http/server.js';
import { createLogger, type Logger } from '../log.js';
import { VERSION } from '../version.js';
import { listenProblem, portProblem } from './port.js';

/** A shutdown that takes longer than this ends the process anyway (a supervisor would kill it soon after). */
const SHUTDOWN_LIMIT_MS = 9_000;
/** After a clean shutdown, how long whatever was left running may keep the process before it exits anyway. */
const LINGER_MS = 500;

/** `parley start` runs the role PARLEY_ROLE names; `parley api` and `parley worker` name it themselves. */
export async function startCommand(role?: ProcessRole): Promise<number> {
  const { config, warnings } = loadConfig(process.env, '.env', role === undefined ? {} : { overrides: { PARLEY_ROLE: role } });
  const logger = createLogger(config.logLevel);
  for (const warning of warnings) logger.warn(warning);
  // installed before anything starts, so a signal during startup still ends in a clean shutdown
  const stopping = stopSignal(logger);
  // checked before any channel connects: a second Parley on the same database must not poll its bots or
  // connect its personal accounts, not even for a moment
  const busy = await portProblem(config.host, config.port);
  if (busy) return refuse(busy);
  const metricsBusy = config.metrics.port === undefined ? null : await portProblem(config.host, config.metrics.port);
  if (metricsBusy) return refuse(metricsBusy.replace('set PORT', 'set METRICS_PORT'));

  const parley = await createParley(config, logger);
  // a worker answers only its health check on PORT; api and all serve the API and the web app
  const server = config.role === 'worker' ? buildHealthServer(parley) : await buildServer(parley, VERSION, { webRoot: WEB_ROOT });
  try {
    await server.listen({ host: config.host, port: config.port });
  } catch (error) {
    await server.close();
    await parley.close();
    const problem = listenProblem(error, config.host, config.port);
    if (problem) return refuse(problem);
    throw error;
  }
  logger.info(
    { version: VERSION, role: config.role, database: config.database.dialect, pid: process.pid },
    `Parley is listening on http://${displayHost(config.host)}:${config.port}`,
  );

  await stopping;
  parley.readiness.drain();
  const watchdog = setTimeout(() => {
    logger.error({ limitMs: SHUTDOWN_LIMIT_MS }, 'shutdown took too long; exiting anyway');
    process.exit(1);
  }, SHUTDOWN_LIMIT_MS);
  watchdog.unref();
  // logins waiting for Telegram end first, so their requests answer and HTTP can drain at once; then HTTP stops
  // taking connections, answers 503 to new requests on open ones, closes sockets with 1001 and waits for the
  // requests in flight (a webhook update is answered only after it is stored); then Parley.close() (its order
  // is on the interface)
  await parley.logins.close();
  await server.close();
  await parley.close();
  clearTimeout(watchdog);
  logger.info('stopped');
  // Normally nothing is left and the process ends now; work given up on purpose (a job still running past the
  // drain, its request to Telegram open) must not keep it alive.
  setTimeout(() => process.exit(0), LINGER_MS).unref();
  return 0;
}

/** Resolves on the first SIGINT or SIGTERM; a second one ends the process at once (the default action). */
function stopSignal(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function refuse(problem: string): number {
  process.stderr.write(`parley: ${problem}\n`);
  return 1;
}

function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host;
}
