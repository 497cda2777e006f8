// What the RSS benchmark asks of Parley's API as its admin: add simulators, log personal accounts in, wait for them.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FakeTelegramServer } from '../../test/fakes/mtproto/index.js';

type Json = Record<string, unknown>;

export class AdminClient {
  private constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  static async logIn(url: string, credentials: { username: string; password: string }): Promise<AdminClient> {
    const { token } = (await call(url, 'POST', '/api/auth/token/', undefined, credentials)) as { token: string };
    return new AdminClient(url, token);
  }

  async addSimulator(title: string): Promise<void> {
    await this.call('POST', '/api/accounts/', { type: 'simulator', title });
  }

  /** Phone and code, as an admin does it in the web app; the account starts once verified. */
  async logInPersonal(telegram: FakeTelegramServer): Promise<void> {
    const sent = (await this.call('POST', '/api/accounts/authenticate/', { phone: `+${telegram.owner.phone}` })) as { account_id: number };
    await this.call('POST', `/api/accounts/${sent.account_id}/verify_otp/`, { code: telegram.login.code });
    await this.untilActive((account) => account.id === sent.account_id, 1);
  }

  async untilAllActive(count: number): Promise<void> {
    await this.untilActive(() => true, count);
  }

  private async untilActive(which: (account: Json) => boolean, count: number, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const page = (await this.call('GET', '/api/accounts/?limit=200')) as { results: Json[] };
      const active = page.results.filter((account) => which(account) && account.status === 'active');
      if (active.length >= count) return;
      if (Date.now() > deadline) throw new Error(`${active.length} of ${count} accounts active after ${timeoutMs} ms`);
      await sleep(200);
    }
  }

  private call(method: string, route: string, body?: unknown): Promise<unknown> {
    return call(this.url, method, route, this.token, body);
  }
}

async function call(url: string, method: string, route: string, token?: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${url}${route}`, {
    method,
    headers: { ...(body !== undefined && { 'content-type': 'application/json' }), ...(token && { authorization: `Bearer ${token}` }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}
