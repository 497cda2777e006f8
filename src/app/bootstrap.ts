// The first admin, so a fresh install can be logged into.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { Conflict } from '../domain/errors.js';
import type { OperatorId } from '../domain/ids.js';
import type { Logger } from '../log.js';
import { verifyPassword } from '../security/passwords.js';
import type { OperatorRepository } from '../store/operators.js';
import type { OperatorService } from './operators.js';

export const INITIAL_PASSWORD_FILE = 'initial-admin-password';

/**
 * When no operator exists: creates PARLEY_ADMIN_USERNAME, or `admin` with a random password written to
 * DATA_DIR/initial-admin-password (mode 0600). The password itself is never logged.
 */
export async function ensureInitialAdmin(
  config: Config,
  operators: OperatorRepository,
  service: OperatorService,
  logger: Logger,
): Promise<void> {
  if ((await operators.count()) > 0) return;
  const configured = config.bootstrapAdmin;
  const username = configured?.username ?? 'admin';
  const password = configured?.password ?? randomBytes(18).toString('base64url');
  try {
    await service.create(null, { username, password, displayName: 'Administrator', role: 'admin' });
  } catch (error) {
    if (error instanceof Conflict) return; // another process created it first
    throw error;
  }
  if (configured) {
    logger.info({ username }, 'created the admin from PARLEY_ADMIN_USERNAME');
    return;
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(config.dataDir, INITIAL_PASSWORD_FILE);
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  logger.warn({ username, passwordFile: file }, `created admin "${username}"; the password is in ${file}`);
}

/**
 * The initial password file is removed once the admin it was written for has replaced that password (so it
 * cannot be read from a backup or a stray copy of DATA_DIR later). The file names no operator: it belongs to the
 * one whose previous password it held.
 */
export function retireInitialPassword(config: Config, logger: Logger) {
  const file = path.join(config.dataDir, INITIAL_PASSWORD_FILE);
  return async (operatorId: OperatorId, previousHash: string): Promise<void> => {
    let written: string;
    try {
      written = readFileSync(file, 'utf8').trim();
    } catch {
      return; // no file (already removed, or the admin came from PARLEY_ADMIN_*)
    }
    if (!(await verifyPassword(written, previousHash))) return;
    rmSync(file, { force: true });
    logger.info({ operatorId, passwordFile: file }, `the admin changed the initial password; removed ${file}`);
  };
}
