import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.js';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'parley-config-'));
const KEY = 'k'.repeat(40);

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration from the environment', () => {
  it('has working defaults: port 8000, SQLite in DATA_DIR, the official Bot API', () => {
    const dir = dataDir();
    const { config } = parseConfig({ DATA_DIR: dir, SECRET_KEY: KEY });
    expect(config).toMatchObject({
      port: 8000,
      host: '127.0.0.1',
      role: 'all',
      database: { dialect: 'sqlite', file: path.join(dir, 'parley.db') },
      mediaDir: path.join(dir, 'media'),
      redisUrl: undefined,
      logLevel: 'info',
      telegram: { botApiRoot: 'https://api.telegram.org' },
    });
  });

  it('takes MEDIA_DIR for media files (a directory every process mounts)', () => {
    expect(parseConfig({ DATA_DIR: dataDir(), SECRET_KEY: KEY, MEDIA_DIR: '/srv/parley-media' }).config.mediaDir).toBe('/srv/parley-media');
  });

  it('reads MySQL and SQLite URLs and the pool size', () => {
    const mysql = parseConfig({
      DATA_DIR: dataDir(),
      SECRET_KEY: KEY,
      DATABASE_URL: 'mariadb://parley:pw@db:3306/parley',
      DATABASE_POOL_SIZE: '25',
    }).config.database;
    expect(mysql).toEqual({ dialect: 'mysql', url: 'mysql://parley:pw@db:3306/parley', poolSize: 25 });
    const sqlite = parseConfig({ DATA_DIR: dataDir(), SECRET_KEY: KEY, DATABASE_URL: 'sqlite:///var/lib/p.db' }).config;
    expect(sqlite.database).toEqual({ dialect: 'sqlite', file: '/var/lib/p.db' });
  });

  it('lists every bad variable at once, in readable words', () => {
    const problems = problemsOf({
      DATA_DIR: dataDir(),
      PORT: 'eighty',
      DATABASE_URL: 'postgres://x',
      REDIS_URL: 'http://not-redis',
      LOG_LEVEL: 'loud',
      TELEGRAM_API_ID: '-5',
      TELEGRAM_API_HASH: 'nothex',
      CORS_ORIGINS: 'https://ok.example.com,https://bad.example.com/path',
      PARLEY_ADMIN_USERNAME: 'boss',
      SECRET_KEY: 'short',
    });
    expect(problems).toEqual([
      'PORT must be a whole number from 0 to 65535, got "eighty"',
      'DATABASE_URL must start with sqlite: (a file path) or mysql:// (MySQL 8 / MariaDB 10.6+)',
      'REDIS_URL must be a URL starting with redis:// or rediss://, got "http://not-redis"',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'TELEGRAM_API_ID must be a positive whole number (from my.telegram.org), got "-5"',
      'TELEGRAM_API_HASH must be the 32 hexadecimal characters given by my.telegram.org',
      'CORS_ORIGINS entries must be origins like https://crm.example.com (no path), got "https://bad.example.com/path"',
      'PARLEY_ADMIN_USERNAME and PARLEY_ADMIN_PASSWORD must be set together',
    ]);
    expect(problemsOf({ DATA_DIR: dataDir(), SECRET_KEY: 'short' })).toEqual([
      'SECRET_KEY must be at least 32 characters long',
    ]);
  });

  it('serves /metrics only when asked: a port of its own, or a token of 16 characters or more', () => {
    expect(parseConfig({ DATA_DIR: dataDir(), SECRET_KEY: KEY }).config.metrics).toEqual({ port: undefined, token: undefined });
    const both = parseConfig({ DATA_DIR: dataDir(), SECRET_KEY: KEY, METRICS_PORT: '9464', METRICS_TOKEN: 't'.repeat(16) }).config.metrics;
    expect(both).toEqual({ port: 9464, token: 't'.repeat(16) });
    expect(problemsOf({ DATA_DIR: dataDir(), SECRET_KEY: KEY, METRICS_PORT: '0', METRICS_TOKEN: 'short' })).toEqual([
      'METRICS_PORT must be a whole number from 1 to 65535, got "0"',
      'METRICS_TOKEN must be at least 16 characters long',
    ]);
    expect(problemsOf({ DATA_DIR: dataDir(), SECRET_KEY: KEY, PORT: '8000', METRICS_PORT: '8000' })).toEqual([
      'METRICS_PORT must differ from PORT (without it, /metrics is served on PORT behind METRICS_TOKEN)',
    ]);
  });

  it('generates a secret key into DATA_DIR once, with a warning, and reuses it', () => {
    const dir = dataDir();
    const first = parseConfig({ DATA_DIR: dir });
    expect(first.warnings[0]).toContain('SECRET_KEY is not set');
    const file = path.join(dir, 'secret-key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = parseConfig({ DATA_DIR: dir });
    expect(second.config.secretKey).toBe(first.config.secretKey);
    expect(second.warnings).toEqual([]);
  });

  it('in production requires SECRET_KEY unless the key file exists', () => {
    const dir = dataDir();
    expect(problemsOf({ DATA_DIR: dir, NODE_ENV: 'production' })).toEqual([
      `SECRET_KEY is required when NODE_ENV=production (or put one in ${path.join(dir, 'secret-key')})`,
    ]);
    writeFileSync(path.join(dir, 'secret-key'), `${KEY}\n`);
    expect(parseConfig({ DATA_DIR: dir, NODE_ENV: 'production' }).config.secretKey).toBe(KEY);
    expect(readFileSync(path.join(dir, 'secret-key'), 'utf8')).toBe(`${KEY}\n`);
  });

  it('refuses the api and worker roles without MySQL and Redis, in one line', () => {
    for (const role of ['api', 'worker']) {
      const line = `PARLEY_ROLE=${role} needs MySQL and Redis shared with the other processes: set DATABASE_URL=mysql://… and REDIS_URL=redis://…`;
      expect(problemsOf({ DATA_DIR: dataDir(), SECRET_KEY: KEY, PARLEY_ROLE: role })).toEqual([line]);
      expect(problemsOf({ DATA_DIR: dataDir(), SECRET_KEY: KEY, PARLEY_ROLE: role, REDIS_URL: 'redis://127.0.0.1:6379' })).toEqual([line]);
      expect(problemsOf({ DATA_DIR: dataDir(), SECRET_KEY: KEY, PARLEY_ROLE: role, DATABASE_URL: 'mysql://u@127.0.0.1/p' })).toEqual([line]);
    }
  });
});
