// `parley accounts start-all | stop-all`: write every account's desired state; the reconciler of each process
// that runs channels starts or stops them (at once when Redis carries the news, else within seconds).
import { createParley, type Parley } from '../app/parley.js';
import { loadConfig } from '../config.js';
import { canRestart, type Account } from '../domain/account.js';
import { createLogger } from '../log.js';
import { AccountRepository } from '../store/accounts.js';

const USAGE = 'usage: parley accounts start-all | stop-all\n';

export async function accountsCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if ((sub !== 'start-all' && sub !== 'stop-all') || rest.length > 0) {
    process.stderr.write(USAGE);
    return 2;
  }
  const { config } = loadConfig();
  const parley = await createParley(config, createLogger('warn'), { bootstrapAdmin: false, runWork: false });
  try {
    const line = sub === 'start-all' ? await startAll(parley) : await stopAll(parley);
    process.stdout.write(`${line}\n`);
    return 0;
  } finally {
    await parley.close();
  }
}

async function startAll(parley: Parley): Promise<string> {
  const accounts = new AccountRepository(parley.database);
  let started = 0;
  let running = 0;
  const waiting: string[] = [];
  for (const account of await accounts.listLive()) {
    if (account.status === 'login_pending' || (account.type === 'user' && account.externalId === null)) {
      waiting.push(`"${account.title}"`);
      continue;
    }
    if (account.desiredState === 'running' && !canRestart(account)) {
      running += 1;
      continue;
    }
    await accounts.update(account.id, { desiredState: 'running' });
    if (canRestart(account)) await accounts.setStatus(account.id, { status: 'stopped', reason: null, until: null });
    await changed(parley, account, 'account.started');
    started += 1;
  }
  const notes = [`${running} already running`, ...(waiting.length > 0 ? [`not logged in yet: ${waiting.join(', ')}`] : [])];
  return `started ${started} account${started === 1 ? '' : 's'} (${notes.join('; ')})`;
}

async function stopAll(parley: Parley): Promise<string> {
  const accounts = new AccountRepository(parley.database);
  let stopped = 0;
  let already = 0;
  for (const account of await accounts.listLive()) {
    if (account.desiredState === 'stopped') {
      already += 1;
      continue;
    }
    await accounts.update(account.id, { desiredState: 'stopped' });
    await changed(parley, account, 'account.stopped');
    stopped += 1;
  }
  return `stopped ${stopped} account${stopped === 1 ? '' : 's'} (${already} already stopped)`;
}

/** Records who did it and tells the processes running channels (their status changes reach admins live). */
async function changed(parley: Parley, account: Account, action: string): Promise<void> {
  await parley.audit.record({ actorId: null, action, targetType: 'account', targetId: account.id, details: { via: 'cli' } });
  await parley.bus.publish('accounts.changed', { accountId: account.id });
}
