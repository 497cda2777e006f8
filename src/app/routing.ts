// Where work on an account is done, and how a request gets there: the embedded process does everything itself;
// an api process sends typed commands (app/commands.ts) to the worker that holds the account or the login.
// Called from parley.ts; the owners come from the lease wiring when it exists.
import type { Config } from '../config.js';
import type { AccountId, ChatId } from '../domain/ids.js';
import type { AccountOwners } from '../leases/owners.js';
import type { Logger } from '../log.js';
import type { EventBus } from '../realtime/bus.js';
import { CommandBus } from '../routing/commands.js';
import { MemoryRouteMemory, RedisRouteMemory } from '../routing/route-memory.js';
import type { AccountRepository } from '../store/accounts.js';
import type { ChatRepository } from '../store/chats.js';
import type { Database } from '../store/db.js';
import type { OperatorRepository } from '../store/operators.js';
import { WORKER_COMMANDS } from './commands.js';
import type { Logins, LoginService } from './logins.js';
import type { ReadReceipts } from './read-receipts.js';
import { RoutedLogins } from './routed-logins.js';
import type { ChannelRuntime, Reconciler } from './runtime.js';
import { serveWorkerCommands } from './worker-commands.js';

/**
 * How long an api process waits for a worker. A login step may wait for Telegram (10 s) and, after the last
 * step, for the channel's first connection (20 s); a reconcile for that connection; a read receipt for one call.
 */
const LOGIN_STEP_TIMEOUT_MS = 35_000;
const RECONCILE_TIMEOUT_MS = 25_000;
const DEFAULT_TIMEOUT_MS = 15_000;
/** The operator's read is stored already: the answer waits this long at most for Telegram's read receipt. */
const READ_RECEIPT_TIMEOUT_MS = 5_000;

export interface Routing {
  /** This process's id on the bus. */
  self: string;
  /** The login steps as the API calls them: run here (embedded, worker) or in the worker holding the login. */
  logins: Logins;
  /** The account's channel follows its desired state where it runs; resolves when it does (or cannot tell). */
  reconciler: Reconciler;
  /** An operator read a chat: the account's owner tells Telegram. Never rejects (the read is already stored). */
  chatRead(chatId: ChatId): Promise<void>;
  close(): Promise<void>;
}

interface Deps {
  config: Config;
  bus: EventBus;
  logger: Logger;
  database: Database;
  accounts: AccountRepository;
  chats: ChatRepository;
  operators: OperatorRepository;
  /** This process's channels; null in an api process. */
  runtime: ChannelRuntime | null;
  /** This process's own logins. */
  logins: LoginService;
  readReceipts: ReadReceipts;
  /** Who runs which account: the leases (this process itself when embedded). Its `self` is this process's id. */
  owners: AccountOwners;
  /** A login left alone this long is abandoned. */
  loginIdleMs: number;
}

export async function createRouting(deps: Deps): Promise<Routing> {
  const { bus, logger, runtime } = deps;
  const { owners } = deps;
  const self = owners.self;
  const embedded = deps.config.role === 'all';
  const commands = new CommandBus({ bus, self, schemas: WORKER_COMMANDS, logger, timeoutMs: DEFAULT_TIMEOUT_MS });
  await commands.start();
  const closing: (() => Promise<void>)[] = [() => commands.close()];
  let logins: Logins = deps.logins;
  if (runtime) {
    serveWorkerCommands({ commands, logins: deps.logins, operators: deps.operators, runtime, readReceipts: deps.readReceipts });
  } else {
    const { redisUrl, redisPrefix } = deps.config;
    const routes = redisUrl ? new RedisRouteMemory({ url: redisUrl, prefix: redisPrefix, logger }) : new MemoryRouteMemory();
    closing.push(() => routes.close());
    logins = new RoutedLogins({ commands, owners, routes, accounts: deps.accounts, here: deps.logins, idleMs: deps.loginIdleMs, timeoutMs: LOGIN_STEP_TIMEOUT_MS, logger });
  }

  /** Sends a command to the account's owner (itself included); with no owner nobody runs the account: nothing to do. */
  const toOwner = async (accountId: AccountId, what: string, send: (owner: string) => Promise<null>): Promise<void> => {
    try {
      const owner = await owners.ownerOf(accountId);
      if (owner) await send(owner);
    } catch (error) {
      logger.warn({ err: error, accountId }, `${what} did not reach the account’s worker`);
    }
  };

  return {
    self,
    logins,
    reconciler: {
      reconcile: (accountId) =>
        runtime && embedded
          ? runtime.reconcile(accountId)
          : toOwner(accountId, 'reconcile', (owner) => commands.send(owner, 'account.reconcile', { accountId }, { timeoutMs: RECONCILE_TIMEOUT_MS })),
    },
    async chatRead(chatId) {
      const chat = await deps.chats.findById(deps.database.db, chatId);
      if (chat) await toOwner(chat.accountId, 'a read receipt', (owner) => commands.send(owner, 'chat.read', { chatId }, { timeoutMs: READ_RECEIPT_TIMEOUT_MS }));
    },
    async close() {
      for (const close of closing) await close();
    },
  };
}
