// The commands an api process sends to the worker that holds an account (routing/commands.ts carries them):
// every step of a personal account's login, and what needs the account's connection (reconcile, read receipts).
import { Type, type Static } from 'typebox';
import type { CommandBus } from '../routing/commands.js';

const Id = Type.Integer({ minimum: 1 });
const Text = Type.Union([Type.String(), Type.Null()]);

/** Who asked: the worker checks the operator again (he may have been deactivated meanwhile) and audits him. */
export const ActorWire = Type.Object({
  operatorId: Id,
  tokenId: Id,
  kind: Type.Union([Type.Literal('api'), Type.Literal('session'), Type.Literal('ticket')]),
  expiresAt: Type.Union([Type.Integer(), Type.Null()]),
  ip: Type.String(),
});
export type ActorWire = Static<typeof ActorWire>;

/** LoginProgress with its time as ISO 8601 (JSON has no dates). */
export const ProgressWire = Type.Object({
  accountId: Id,
  state: Type.Union([Type.Literal('code_sent'), Type.Literal('password_needed'), Type.Literal('qr'), Type.Literal('active'), Type.Literal('failed')]),
  codeType: Text,
  nextCodeType: Text,
  timeoutSeconds: Type.Union([Type.Integer(), Type.Null()]),
  passwordHint: Text,
  qrUrl: Text,
  qrExpiresAt: Text,
  error: Text,
});
export type ProgressWire = Static<typeof ProgressWire>;

const Step = <T extends Record<string, ReturnType<typeof Type.String>>>(fields: T) => Type.Object({ actor: ActorWire, accountId: Id, ...fields });

export const WORKER_COMMANDS = {
  'login.start': {
    request: Type.Object({
      actor: ActorWire,
      method: Type.Union([Type.Literal('phone'), Type.Literal('qr')]),
      phone: Type.Optional(Type.String()),
      apiId: Type.Optional(Type.Integer()),
      apiHash: Type.Optional(Type.String()),
      title: Type.Optional(Type.String()),
    }),
    /** `created`: the login made a new account (to remove again if the worker is lost mid-login). */
    reply: Type.Object({ progress: ProgressWire, created: Type.Boolean() }),
  },
  'login.code': { request: Step({ code: Type.String() }), reply: ProgressWire },
  'login.password': { request: Step({ password: Type.String() }), reply: ProgressWire },
  'login.resend': { request: Step({}), reply: ProgressWire },
  'login.progress': { request: Step({}), reply: ProgressWire },
  'login.cancel': { request: Step({}), reply: Type.Null() },
  /** Make the account's channel follow its desired state now; answers once it does. */
  'account.reconcile': { request: Type.Object({ accountId: Id }), reply: Type.Null() },
  /** An operator read the chat: tell Telegram (read receipts), where the account's settings allow it. */
  'chat.read': { request: Type.Object({ chatId: Id }), reply: Type.Null() },
};

export type WorkerCommands = CommandBus<typeof WORKER_COMMANDS>;
