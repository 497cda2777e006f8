// The composition root: builds every part from the config, and closes them in reverse order.
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { Keys } from '../security/keys.js';
import { AuditLog } from '../store/audit.js';
import { openDatabase, type Database } from '../store/db.js';
import { migrateToLatest } from '../store/migrate.js';
import { OperatorRepository } from '../store/operators.js';
import { TokenRepository } from '../store/tokens.js';
import { AuthService } from './auth.js';
import { ensureInitialAdmin } from './bootstrap.js';
import { LoginThrottle, MemoryThrottleStore } from './login-throttle.js';
import { OperatorService } from './operators.js';

export interface Parley {
  config: Config;
  logger: Logger;
  database: Database;
  audit: AuditLog;
  auth: AuthService;
  operators: OperatorService;
  operatorRepository: OperatorRepository;
  /** Whether the database answers (for /api/health). */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

export interface ParleyOptions {
  /** Create the first admin when no operator exists (off for CLI commands that manage operators). */
  bootstrapAdmin?: boolean;
}

export async function createParley(config: Config, logger: Logger, options: ParleyOptions = {}): Promise<Parley> {
  const database = openDatabase(config.database);
  try {
    const { applied } = await migrateToLatest(database);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
  } catch (error) {
    await database.close();
    throw error;
  }

  const keys = new Keys(config.secretKey);
  const audit = new AuditLog(database);
  const operatorRepository = new OperatorRepository(database);
  const tokens = new TokenRepository(database);
  const throttle = new LoginThrottle(new MemoryThrottleStore());
  const auth = new AuthService({ operators: operatorRepository, tokens, audit, throttle, keys });
  const operators = new OperatorService({ database, operators: operatorRepository, tokens, audit });
  if (options.bootstrapAdmin ?? true) await ensureInitialAdmin(config, operatorRepository, operators, logger);

  return {
    config,
    logger,
    database,
    audit,
    auth,
    operators,
    operatorRepository,
    async healthy() {
      try {
        await database.db.selectFrom('operators').select('id').limit(1).execute();
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await database.close();
    },
  };
}
