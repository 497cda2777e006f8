// Configuration of personal accounts: Telegram's test servers and a data-centre address reach mtcute's client.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemoryStorage } from '@mtcute/core';
import { BaseTelegramClient } from '@mtcute/core/client.js';
import { describe, expect, it } from 'vitest';
import { clientParams, telegramClients } from '../src/channels/telegram-user/client.js';
import { ConfigError, parseConfig, type Env } from '../src/config.js';
import type { AccountId } from '../src/domain/ids.js';
import { createLogger } from '../src/log.js';

const base = (): Env => ({ DATA_DIR: mkdtempSync(path.join(tmpdir(), 'parley-config-')), SECRET_KEY: 'k'.repeat(40) });

describe('personal accounts’ configuration', () => {
  it('reads TELEGRAM_TEST_SERVERS and TELEGRAM_DC_ADDRESS, and mtcute’s client gets them', async () => {
    const { config } = parseConfig({ ...base(), TELEGRAM_TEST_SERVERS: '1', TELEGRAM_DC_ADDRESS: '149.154.167.40:443' });
    expect(config.telegram).toMatchObject({ testServers: true, dcAddress: { host: '149.154.167.40', port: 443 } });
    expect(parseConfig(base()).config.telegram).toMatchObject({ testServers: false, dcAddress: undefined });

    const params = clientParams({ id: 1 as AccountId, phone: null }, new MemoryStorage(), { apiId: 1, apiHash: 'x'.repeat(32) }, 'channel', createLogger('silent'));
    expect(params.updates).toEqual({ catchUp: true });
    const tg = telegramClients(config.telegram)(params);
    try {
      const client = tg._client;
      if (!(client instanceof BaseTelegramClient)) throw new Error('expected mtcute’s own client');
      expect(client.mt.params.testMode).toBe(true);
      expect(client.mt.params.defaultDcs?.main).toMatchObject({ ipAddress: '149.154.167.40', port: 443, testMode: true });
    } finally {
      await tg.destroy();
    }
  });

  it('explains a bad data-centre address', () => {
    let error: unknown;
    try {
      parseConfig({ ...base(), TELEGRAM_DC_ADDRESS: 'telegram', TELEGRAM_TEST_SERVERS: 'sometimes' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'TELEGRAM_TEST_SERVERS must be true or false, got "sometimes"',
      'TELEGRAM_DC_ADDRESS must be host:port (e.g. 149.154.167.40:443), got "telegram"',
    ]);
  });
});
