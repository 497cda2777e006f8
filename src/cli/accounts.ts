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
    const lines = sub === 'start-all' ? await startAll(parley) : await stopAll(parley);
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await parley.close();
  }
}

/** One line per account changed or left out, then a summary ("nothing changed" when nothing did). */
async function startAll(parley: Parley): Promise<string[]> {
  const accounts = new AccountRepository(parley.database);
  const lines: string[] = [];
  let started = 0;
  let running = 0;
  for (const account of await accounts.listLive()) {
    if (account.status === 'login_pending' || (account.type === 'user' && account.externalId === null)) {
      lines.push(`not started: ${describe(account)} has not logged in yet`);
      continue;
    }
    // Wanted running and not halted: a runtime has it or picks it up, so writing again would change nothing.
    if (account.desiredState === 'running' && account.status !== 'error' && account.status !== 'needs_reauth') {
      running += 1;
      continue;
    }
    await accounts.update(account.id, { desiredState: 'running' });
    if (canRestart(account)) await accounts.setStatus(account.id, { status: 'stopped', reason: null, until: null });
    await changed(parley, account, 'account.started');
    lines.push(`started ${describe(account)}`);
    started += 1;
  }
  return [...lines, summary(started, 'started', running, 'already running')];
}

async function stopAll(parley: Parley): Promise<string[]> {
  const accounts = new AccountRepository(parley.database);
  const lines: string[] = [];
  let stopped = 0;
  let already = 0;
  for (const account of await accounts.listLive()) {
    if (account.desiredState === 'stopped') {
      already += 1;
      continue;
    }
    await accounts.update(account.id, { desiredState: 'stopped' });
    await changed(parley, account, 'account.stopped');
    lines.push(`stopped ${describe(account)}`);
    stopped += 1;
  }
  return [...lines, summary(stopped, 'stopped', already, 'already stopped')];
}

function describe(account: Account): string {
  return `account ${account.id} ${JSON.stringify(account.title)} (${account.type})`;
}

function summary(changedCount: number, verb: string, unchanged: number, unchangedWords: string): string {
  const counted = `${unchanged} ${unchangedWords}`;
  if (changedCount > 0) return `${changedCount} ${verb}, ${counted}`;
  return unchanged === 0 ? 'nothing changed (no accounts to change)' : `nothing changed (${counted})`;
}

/** Records who did it and tells the processes running channels (their status changes reach admins live). */
async function changed(parley: Parley, account: Account, action: string): Promise<void> {
  await parley.audit.record({ actorId: null, action, targetType: 'account', targetId: account.id, details: { via: 'cli' } });
  await parley.bus.publish('accounts.changed', { accountId: account.id });
}
