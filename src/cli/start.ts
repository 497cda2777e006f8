import { createParley } from '../app/parley.js';
import { loadConfig } from '../config.js';
import { WEB_ROOT } from '../http/routes/root.js';
import { buildServer } from '../http/server.js';
import { createLogger } from '../log.js';
import { VERSION } from '../version.js';

export async function startCommand(): Promise<number> {
  const { config, warnings } = loadConfig();
  const logger = createLogger(config.logLevel);
  for (const warning of warnings) logger.warn(warning);
  const parley = await createParley(config, logger);
  const server = await buildServer(parley, VERSION, { webRoot: WEB_ROOT });
  await server.listen({ host: config.host, port: config.port });
  logger.info({ version: VERSION, role: config.role, database: config.database.dialect }, `Parley is listening on http://${displayHost(config.host)}:${config.port}`);

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await parley.close();
  logger.info('stopped');
  return 0;
}

function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host;
}
