// One measured Parley: the fake Bot API, a fresh database, Parley started on them, and everything torn down
// afterwards; with --cpu-prof the profile is kept under bench/profiles/ and its folder returned.
import { freshDatabase, type FreshDatabase } from './databases.js';
import { options } from './options.js';
import { startParley, type ParleyProcess } from './parley.js';
import { keepProfile } from './profiles.js';
import type { Stack } from './report.js';
import { startFakeBotApi, type FakeBotApi } from './telegram.js';

export interface Session {
  server: ParleyProcess;
  database: FreshDatabase;
  telegram: FakeBotApi;
}

export async function withParley<T>(
  stack: Stack,
  setup: { webhook: boolean; name: string },
  use: (session: Session) => Promise<T>,
): Promise<{ result: T; profile: string | undefined }> {
  const telegram = await startFakeBotApi();
  const database = await freshDatabase(stack);
  try {
    const server = await startParley({ database, botApiRoot: telegram.apiRoot, webhook: setup.webhook, cpuProf: options.cpuProf });
    let stopped = false;
    try {
      const result = await use({ server, database, telegram });
      stopped = true;
      const profile = await server.stop();
      return { result, profile: profile && keepProfile(profile, `${setup.name}-${stack.name}`) };
    } finally {
      if (!stopped) await server.stop();
    }
  } finally {
    await database.drop();
    await telegram.close();
  }
}
