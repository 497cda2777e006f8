/** Whether a driver error is a unique-key violation (SQLite or MySQL/MariaDB). */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'ER_DUP_ENTRY';
}

const PASSING_SQLITE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|PROTOCOL)/;
/** The connection to MySQL is gone or could not be made (the server restarting, a network cut). */
const CONNECTION_LOSS_CODES = new Set([
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
]);
const PASSING_CODES = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'ER_QUERY_INTERRUPTED', ...CONNECTION_LOSS_CODES]);

/** Whether a MySQL failure means the connection is gone (mysql2 marks such errors fatal). */
export function isConnectionLoss(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, fatal } = error as { code?: unknown; fatal?: unknown };
  return fatal === true || (typeof code === 'string' && CONNECTION_LOSS_CODES.has(code));
}

/**
 * Whether a write failed for a reason that passes (the database is busy, a lock or the connection was lost),
 * so the same write is worth trying again later. Everything else (NOT NULL, out of range, data too long) will
 * fail again; a unique-key violation is left to the caller (a concurrent writer, or a row that will not go).
 */
export function isPassingFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, fatal, name } = error as { code?: unknown; fatal?: unknown; name?: unknown };
  if (typeof code === 'string' && (PASSING_SQLITE.test(code) || PASSING_CODES.has(code))) return true;
  // mysql2 marks errors that broke the connection; ioredis gives up on a request while Redis is away.
  return fatal === true || name === 'MaxRetriesPerRequestError';
}
