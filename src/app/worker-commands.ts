// The worker's side of the commands api processes send (app/commands.ts): each one runs the same use case an
// embedded process would run for its own request.
import type { AccountId, ChatId, OperatorId, TokenId } from '../domain/ids.js';
import { Unauthenticated } from '../domain/errors.js';
import type { LoginProgress } from '../domain/login.js';
import type { OperatorRepository } from '../store/operators.js';
import type { ActorWire, ProgressWire, WorkerCommands } from './commands.js';
import type { LoginService } from './logins.js';
import type { Actor } from './operators.js';
import type { ReadReceipts } from './read-receipts.js';
import type { Reconciler } from './runtime.js';

interface Deps {
  commands: WorkerCommands;
  logins: LoginService;
  operators: OperatorRepository;
  runtime: Reconciler;
  readReceipts: ReadReceipts;
}

export function serveWorkerCommands({ commands, logins, operators, runtime, readReceipts }: Deps): void {
  const actorOf = async (wire: ActorWire): Promise<Actor> => {
    const operator = await operators.findById(wire.operatorId as OperatorId);
    if (!operator?.isActive) throw new Unauthenticated('the operator who asked is no longer active');
    return { principal: { operator, tokenId: wire.tokenId as TokenId, kind: wire.kind, expiresAt: wire.expiresAt }, ip: wire.ip };
  };
  const id = (accountId: number) => accountId as AccountId;

  commands.handle('login.start', async ({ actor, method, phone, ...input }) => {
    const who = await actorOf(actor);
    const { progress } = method === 'qr' ? await logins.authenticateQr(who, input) : await logins.authenticate(who, { ...input, ...(phone !== undefined && { phone }) });
    return { progress: progressToWire(progress), created: logins.createdAccount(progress.accountId) };
  });
  commands.handle('login.code', async ({ actor, accountId, code }) => progressToWire((await logins.verifyCode(await actorOf(actor), id(accountId), code)).progress));
  commands.handle('login.password', async ({ actor, accountId, password }) =>
    progressToWire((await logins.verifyPassword(await actorOf(actor), id(accountId), password)).progress),
  );
  commands.handle('login.resend', async ({ actor, accountId }) => progressToWire((await logins.resendCode(await actorOf(actor), id(accountId))).progress));
  commands.handle('login.progress', async ({ actor, accountId }) => progressToWire(await logins.progress(await actorOf(actor), id(accountId))));
  commands.handle('login.cancel', async ({ actor, accountId }) => {
    await logins.cancel(await actorOf(actor), id(accountId));
    return null;
  });
  commands.handle('account.reconcile', async ({ accountId }) => {
    await runtime.reconcile(id(accountId));
    return null;
  });
  commands.handle('chat.read', async ({ chatId }) => {
    await readReceipts.chatRead(chatId as ChatId);
    return null;
  });
}

export function actorToWire(actor: Actor): ActorWire {
  const { operator, tokenId, kind, expiresAt } = actor.principal;
  return { operatorId: operator.id, tokenId, kind, expiresAt, ip: actor.ip };
}

export function progressToWire(progress: LoginProgress): ProgressWire {
  return { ...progress, qrExpiresAt: progress.qrExpiresAt?.toISOString() ?? null };
}

export function progressFromWire(wire: ProgressWire): LoginProgress {
  return { ...wire, accountId: wire.accountId as AccountId, qrExpiresAt: wire.qrExpiresAt === null ? null : new Date(wire.qrExpiresAt) };
}
