// The only reader of the environment: parses it once into a typed Config, listing every problem at once.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
/** `all`: everything in one process; `api`: HTTP + WebSocket; `worker`: channels, jobs and timers (no public HTTP). */
export type ProcessRole = 'all' | 'api' | 'worker';

export type DatabaseConfig =
  | { dialect: 'sqlite'; file: string }
  | { dialect: 'mysql'; url: string; poolSize: number };

export interface Config {
  production: boolean;
  role: ProcessRole;
  host: string;
  port: number;
  dataDir: string;
  /** Where media files live (MEDIA_DIR, default DATA_DIR/media): a directory every process can read. */
  mediaDir: string;
  database: DatabaseConfig;
  redisUrl: string | undefined;
  /** Prefix of every Redis key and channel, so several deployments can share one Redis. */
  redisPrefix: string;
  secretKey: string;
  publicUrl: URL | undefined;
  trustProxy: boolean;
  corsOrigins: string[];
  logLevel: LogLevel;
  telegram: {
    apiId: number | undefined;
    apiHash: string | undefined;
    botApiRoot: string;
    /** Files bigger than this are not fetched (the cloud Bot API serves at most 20 MB; a local server more). */
    botDownloadLimitBytes: number;
    /** TELEGRAM_TEST_SERVERS=1: personal accounts log in to Telegram's test data centres. */
    testServers: boolean;
    /** TELEGRAM_DC_ADDRESS=host:port: where personal accounts connect first, instead of Telegram's own address. */
    dcAddress: { host: string; port: number } | undefined;
  };
  bootstrapAdmin: { username: string; password: string } | undefined;
  /** PARLEY_DEMO=1: a simulator account with customers writing now and then. */
  demo: boolean;
  /** `/metrics`: on its own port, or on the main one behind a bearer token; not served without either. */
  metrics: MetricsConfig;
}

export interface MetricsConfig {
  port: number | undefined;
  token: string | undefined;
}

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    // one problem, one line (e.g. a worker started without MySQL and Redis)
    super(problems.length === 1 ? `Invalid configuration: ${problems[0]}` : `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  config: Config;
  /** Things worth telling the operator once a logger exists (e.g. a generated secret key). */
  warnings: string[];
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const SECRET_KEY_FILE = 'secret-key';
const MIN_SECRET_KEY_LENGTH = 32;

export interface ParseOptions {
  /** Generate a secret key into DATA_DIR when none is configured (default); off for `parley restore`. */
  createSecretKey?: boolean;
}

export interface LoadOptions extends ParseOptions {
  /** Variables that win over the environment and `.env` (e.g. the role `parley worker` names). */
  overrides?: Env;
}

/** Reads `.env` from the working directory (without overriding real variables), then parses; `overrides` win. */
export function loadConfig(env: Env = process.env, envFile = '.env', options: LoadOptions = {}): LoadedConfig {
  if (env === process.env && existsSync(envFile)) process.loadEnvFile(envFile);
  const { overrides = {}, ...parseOptions } = options;
  return parseConfig({ ...env, ...overrides }, parseOptions);
}

/** Parses an environment into a Config. Creates DATA_DIR and, when absent, a secret key in it. */
export function parseConfig(env: Env, options: ParseOptions = {}): LoadedConfig {
  const problems: string[] = [];
  const warnings: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };

  const production = read('NODE_ENV') === 'production';
  const port = parsePort(read('PORT'), problems);
  const dataDir = path.resolve(read('DATA_DIR') ?? './data');
  const mediaDir = path.resolve(read('MEDIA_DIR') ?? path.join(dataDir, 'media'));
  const database = parseDatabaseUrl(read('DATABASE_URL'), read('DATABASE_POOL_SIZE'), dataDir, problems);
  const redisUrl = parseUrl('REDIS_URL', read('REDIS_URL'), ['redis:', 'rediss:'], problems);
  const publicUrl = parseUrl('PUBLIC_URL', read('PUBLIC_URL'), ['http:', 'https:'], problems);
  const role = parseEnum('PARLEY_ROLE', read('PARLEY_ROLE'), ['all', 'api', 'worker'] as const, 'all', problems);
  const logLevel = parseEnum('LOG_LEVEL', read('LOG_LEVEL'), LOG_LEVELS, 'info', problems);
  const telegram = parseTelegram(read, problems);
  const corsOrigins = parseCorsOrigins(read('CORS_ORIGINS'), problems);
  const trustProxy = parseBoolean('TRUST_PROXY', read('TRUST_PROXY'), problems);
  const demo = parseBoolean('PARLEY_DEMO', read('PARLEY_DEMO'), problems);
  const redisPrefix = read('REDIS_PREFIX') ?? 'parley';
  if (!/^[\w:.-]{1,64}$/.test(redisPrefix)) problems.push('REDIS_PREFIX may hold letters, digits and _ : . - (at most 64)');
  const metrics = parseMetrics(read('METRICS_PORT'), read('METRICS_TOKEN'), port, problems);
  const bootstrapAdmin = parseBootstrapAdmin(read('PARLEY_ADMIN_USERNAME'), read('PARLEY_ADMIN_PASSWORD'), problems);
  // one line for both: a process of a multi-process deployment shares its database and Redis with the others
  if (role !== 'all' && (database.dialect === 'sqlite' || !redisUrl)) {
    problems.push(`PARLEY_ROLE=${role} needs MySQL and Redis shared with the other processes: set DATABASE_URL=mysql://… and REDIS_URL=redis://…`);
  }

  let secretKey = '';
  if (problems.length === 0) {
    secretKey = resolveSecretKey(read('SECRET_KEY'), dataDir, { production, create: options.createSecretKey ?? true }, problems, warnings);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    config: {
      production,
      role,
      host: read('HOST') ?? '127.0.0.1',
      port,
      dataDir,
      mediaDir,
      database,
      redisUrl: redisUrl?.toString(),
      redisPrefix,
      secretKey,
      publicUrl,
      trustProxy,
      corsOrigins,
      logLevel,
      telegram,
      bootstrapAdmin,
      demo,
      metrics,
    },
    warnings,
  };
}

function parsePort(value: string | undefined, problems: string[]): number {
  if (value === undefined) return 8000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`PORT must be a whole number from 0 to 65535, got "${value}"`);
  }
  return port;
}

const MIN_METRICS_TOKEN_LENGTH = 16;

function parseMetrics(portValue: string | undefined, token: string | undefined, mainPort: number, problems: string[]): MetricsConfig {
  let port: number | undefined;
  if (portValue !== undefined) {
    port = Number(portValue);
    if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`METRICS_PORT must be a whole number from 1 to 65535, got "${portValue}"`);
    else if (port === mainPort) problems.push('METRICS_PORT must differ from PORT (without it, /metrics is served on PORT behind METRICS_TOKEN)');
  }
  if (token !== undefined && token.length < MIN_METRICS_TOKEN_LENGTH) {
    problems.push(`METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_LENGTH} characters long`);
  }
  return { port, token };
}

function parseDatabaseUrl(
  value: string | undefined,
  poolSizeValue: string | undefined,
  dataDir: string,
  problems: string[],
): DatabaseConfig {
  const poolSize = poolSizeValue === undefined ? 10 : Number(poolSizeValue);
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 1000) {
    problems.push(`DATABASE_POOL_SIZE must be a whole number from 1 to 1000, got "${poolSizeValue}"`);
  }
  if (value === undefined) return { dialect: 'sqlite', file: path.join(dataDir, 'parley.db') };
  const sqlitePath = /^(?:sqlite|file):(?:\/\/)?(.+)$/.exec(value)?.[1];
  if (sqlitePath !== undefined) return { dialect: 'sqlite', file: path.resolve(sqlitePath) };
  if (/^(mysql|mariadb):\/\//.test(value)) {
    try {
      const url = new URL(value.replace(/^mariadb:/, 'mysql:'));
      if (url.pathname.length <= 1) problems.push('DATABASE_URL must name a database, e.g. mysql://user:pass@host:3306/parley');
      return { dialect: 'mysql', url: url.toString(), poolSize };
    } catch {
      problems.push('DATABASE_URL is not a valid mysql:// URL');
    }
  } else {
    problems.push('DATABASE_URL must start with sqlite: (a file path) or mysql:// (MySQL 8 / MariaDB 10.6+)');
  }
  return { dialect: 'sqlite', file: '' };
}

function parseUrl(name: string, value: string | undefined, protocols: string[], problems: string[]): URL | undefined {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    if (protocols.includes(url.protocol)) return url;
  } catch {
    // reported below
  }
  problems.push(`${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}, got "${value}"`);
  return undefined;
}

function parseEnum<T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
  problems: string[],
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  problems.push(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  return fallback;
}

function parseBoolean(name: string, value: string | undefined, problems: string[]): boolean {
  if (value === undefined) return false;
  if (['1', 'true', 'yes', 'on'].includes(value.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(value.toLowerCase())) return false;
  problems.push(`${name} must be true or false, got "${value}"`);
  return false;
}

function parseTelegram(read: (name: string) => string | undefined, problems: string[]): Config['telegram'] {
  const apiIdValue = read('TELEGRAM_API_ID');
  const apiId = apiIdValue === undefined ? undefined : Number(apiIdValue);
  if (apiId !== undefined && (!Number.isInteger(apiId) || apiId <= 0)) {
    problems.push(`TELEGRAM_API_ID must be a positive whole number (from my.telegram.org), got "${apiIdValue}"`);
  }
  const apiHash = read('TELEGRAM_API_HASH');
  if (apiHash !== undefined && !/^[0-9a-f]{32}$/i.test(apiHash)) {
    problems.push('TELEGRAM_API_HASH must be the 32 hexadecimal characters given by my.telegram.org');
  }
  if ((apiId === undefined) !== (apiHash === undefined)) {
    problems.push('TELEGRAM_API_ID and TELEGRAM_API_HASH must be set together');
  }
  const botApiRoot = parseUrl('TELEGRAM_BOT_API_ROOT', read('TELEGRAM_BOT_API_ROOT'), ['http:', 'https:'], problems);
  const limitValue = read('TELEGRAM_BOT_DOWNLOAD_LIMIT_MB');
  const limitMb = limitValue === undefined ? 20 : Number(limitValue);
  if (!Number.isFinite(limitMb) || limitMb <= 0 || limitMb > 1_000_000) {
    problems.push(`TELEGRAM_BOT_DOWNLOAD_LIMIT_MB must be a positive number of megabytes, got "${limitValue}"`);
  }
  return {
    apiId,
    apiHash,
    botApiRoot: (botApiRoot?.toString() ?? 'https://api.telegram.org').replace(/\/+$/, ''),
    botDownloadLimitBytes: Math.round(limitMb * 1024 * 1024),
    testServers: parseBoolean('TELEGRAM_TEST_SERVERS', read('TELEGRAM_TEST_SERVERS'), problems),
    dcAddress: parseDcAddress(read('TELEGRAM_DC_ADDRESS'), problems),
  };
}

function parseDcAddress(value: string | undefined, problems: string[]): Config['telegram']['dcAddress'] {
  if (value === undefined) return undefined;
  const match = /^(?:\[([0-9a-f:.]+)\]|([^:\s]+)):(\d{1,5})$/i.exec(value);
  const port = Number(match?.[3]);
  const host = match?.[1] ?? match?.[2];
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
    problems.push(`TELEGRAM_DC_ADDRESS must be host:port (e.g. 149.154.167.40:443), got "${value}"`);
    return undefined;
  }
  return { host, port };
}

function parseCorsOrigins(value: string | undefined, problems: string[]): string[] {
  if (value === undefined) return [];
  const origins = value.split(',').map((o) => o.trim()).filter((o) => o !== '');
  for (const origin of origins) {
    if (origin === '*') continue;
    try {
      if (new URL(origin).origin !== origin) throw new Error('not an origin');
    } catch {
      problems.push(`CORS_ORIGINS entries must be origins like https://crm.example.com (no path), got "${origin}"`);
    }
  }
  return origins;
}

function parseBootstrapAdmin(
  username: string | undefined,
  password: string | undefined,
  problems: string[],
): Config['bootstrapAdmin'] {
  if (username === undefined && password === undefined) return undefined;
  if (username === undefined || password === undefined) {
    problems.push('PARLEY_ADMIN_USERNAME and PARLEY_ADMIN_PASSWORD must be set together');
    return undefined;
  }
  if (password.length < 8) problems.push('PARLEY_ADMIN_PASSWORD must be at least 8 characters long');
  return { username, password };
}

function resolveSecretKey(
  value: string | undefined,
  dataDir: string,
  { production, create }: { production: boolean; create: boolean },
  problems: string[],
  warnings: string[],
): string {
  if (value !== undefined) {
    if (value.length < MIN_SECRET_KEY_LENGTH) {
      problems.push(`SECRET_KEY must be at least ${MIN_SECRET_KEY_LENGTH} characters long`);
    }
    return value;
  }
  const file = path.join(dataDir, SECRET_KEY_FILE);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  if (production) {
    problems.push(`SECRET_KEY is required when NODE_ENV=production (or put one in ${file})`);
    return '';
  }
  if (!create) {
    problems.push(`SECRET_KEY is not set and ${file} does not exist: give the key the data was sealed with`);
    return '';
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const generated = randomBytes(32).toString('base64url');
  writeFileSync(file, `${generated}\n`, { mode: 0o600 });
  warnings.push(`SECRET_KEY is not set: generated one into ${file}; back it up, it encrypts stored secrets`);
  return generated;
}
