// Commands addressed to one process (a worker), with an answer: request/reply over the EventBus seam, each
// process listening on its own topic `commands.<process id>`. Message shapes are TypeBox schemas checked on
// arrival; a handler's domain error comes back as the same error, so HTTP answers as if the work ran here.
import { randomUUID } from 'node:crypto';
import { Type, type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { ChannelUnavailable, ERROR_CODES } from '../domain/errors.js';
import type { Logger } from '../log.js';
import type { EventBus } from '../realtime/bus.js';
import { fromWireError, RemoteFailure, toWireError, type WireError } from './wire-errors.js';

export interface CommandSchema {
  request: TSchema;
  reply: TSchema;
}

export type CommandSchemas = Record<string, CommandSchema>;
export type RequestOf<M extends CommandSchemas, K extends keyof M> = Static<M[K]['request']>;
export type ReplyOf<M extends CommandSchemas, K extends keyof M> = Static<M[K]['reply']>;

// The messages reach API clients (503): they name no process (host names and pids stay in the logs).

/** The addressed process is not listening (it stopped or was killed): nobody will answer. */
export class ProcessGone extends ChannelUnavailable {
  constructor(readonly processId: string) {
    super('the Parley worker this request needs has stopped; try again shortly');
  }
}

/** The addressed process did not answer in time (busy, paused, or cut off). */
export class NoAnswer extends ChannelUnavailable {
  constructor(
    readonly processId: string,
    command: string,
    timeoutMs: number,
  ) {
    const wait = timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`;
    super(`the Parley worker this request needs did not answer within ${wait} (${command})`);
  }
}

const WireErrorSchema = Type.Object({
  code: Type.Union(ERROR_CODES.map((code) => Type.Literal(code))),
  message: Type.String(),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  retryAfterSeconds: Type.Optional(Type.Number()),
});
const Envelope = Compile(
  Type.Union([
    Type.Object({ kind: Type.Literal('request'), id: Type.String(), from: Type.String(), name: Type.String(), body: Type.Unknown() }),
    Type.Object({ kind: Type.Literal('reply'), id: Type.String(), ok: Type.Literal(true), body: Type.Unknown() }),
    Type.Object({ kind: Type.Literal('reply'), id: Type.String(), ok: Type.Literal(false), error: WireErrorSchema }),
  ]),
);
type Envelope = Static<typeof Envelope>;

interface Waiting {
  name: string;
  resolve(body: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

interface Deps<M extends CommandSchemas> {
  bus: EventBus;
  /** This process's id: where requests to it and replies for it arrive. */
  self: string;
  schemas: M;
  logger: Logger;
  /** How long `send` waits for an answer unless told otherwise. */
  timeoutMs: number;
}

type Handler = (body: unknown) => Promise<unknown>;

/**
 * Rules:
 * - `send` resolves with the handler's reply, or rejects with the domain error it threw (same class, message,
 *   details, retry-after); any other failure arrives as RemoteFailure (an internal error).
 * - It never hangs: with no answer within the timeout it rejects with NoAnswer (503); when nobody listens on
 *   the process's topic it rejects at once with ProcessGone (503). A late answer is dropped.
 * - Both sides check what arrives against the command's schemas; a message that does not fit is refused and logged.
 * - A command to this process itself runs its handler directly, with no bus round-trip (and the same timeout).
 * - A request is delivered at most once; a handler that must not run twice for one intent is made idempotent.
 */
export class CommandBus<M extends CommandSchemas> {
  readonly #handlers = new Map<string, Handler>();
  readonly #waiting = new Map<string, Waiting>();
  readonly #checks: Map<string, { request: ReturnType<typeof Compile>; reply: ReturnType<typeof Compile> }>;
  #unsubscribe: (() => Promise<void>) | undefined;

  constructor(private readonly deps: Deps<M>) {
    this.#checks = new Map(Object.entries(deps.schemas).map(([name, { request, reply }]) => [name, { request: Compile(request), reply: Compile(reply) }]));
  }

  get self(): string {
    return this.deps.self;
  }

  async start(): Promise<void> {
    this.#unsubscribe = await this.deps.bus.subscribe(`commands.${this.deps.self}`, (payload) => this.#receive(payload));
  }

  handle<K extends keyof M & string>(name: K, handler: (request: RequestOf<M, K>) => Promise<ReplyOf<M, K>>): void {
    this.#handlers.set(name, handler as Handler);
  }

  async send<K extends keyof M & string>(to: string, name: K, request: RequestOf<M, K>, options: { timeoutMs?: number } = {}): Promise<ReplyOf<M, K>> {
    const timeoutMs = options.timeoutMs ?? this.deps.timeoutMs;
    if (to === this.deps.self) return this.#localWithin(name, request, timeoutMs) as Promise<ReplyOf<M, K>>;
    const id = randomUUID();
    const answered = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => this.#settle(id)?.reject(new NoAnswer(to, name, timeoutMs)), timeoutMs);
      timer.unref();
      this.#waiting.set(id, { name, resolve, reject, timer });
    });
    const envelope: Envelope = { kind: 'request', id, from: this.deps.self, name, body: request };
    const reached = await this.deps.bus.reach(`commands.${to}`, envelope).catch((error: unknown) => {
      this.#settle(id);
      throw error;
    });
    if (reached === 0) this.#settle(id)?.reject(new ProcessGone(to));
    return answered as Promise<ReplyOf<M, K>>;
  }

  async close(): Promise<void> {
    await this.#unsubscribe?.();
    for (const id of [...this.#waiting.keys()]) this.#settle(id)?.reject(new ChannelUnavailable('Parley is shutting down'));
  }

  /** Here too, the caller waits no longer than the timeout (the handler runs on, as it would in a worker). */
  #localWithin(name: string, body: unknown, timeoutMs: number): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new NoAnswer(this.deps.self, name, timeoutMs)), timeoutMs);
      timer.unref();
    });
    return Promise.race([this.#local(name, body), late]).finally(() => clearTimeout(timer));
  }

  async #local(name: string, body: unknown): Promise<unknown> {
    const handler = this.#handlers.get(name);
    if (!handler) throw new RemoteFailure(`no handler for command "${name}" in this process`);
    return handler(body);
  }

  #receive(payload: unknown): void {
    if (!Envelope.Check(payload)) {
      this.deps.logger.error({ topic: `commands.${this.deps.self}` }, 'a command message that fits no known shape was dropped');
      return;
    }
    if (payload.kind === 'request') void this.#serve(payload.id, payload.from, payload.name, payload.body);
    else if (payload.ok) this.#answer(payload.id, payload.body);
    else this.#settle(payload.id)?.reject(fromWireError(payload.error as WireError));
  }

  async #serve(id: string, from: string, name: string, body: unknown): Promise<void> {
    const check = this.#checks.get(name);
    let reply: Envelope;
    try {
      if (!check?.request.Check(body)) throw new RemoteFailure(`command "${name}" is unknown here or its request does not fit its schema`);
      reply = { kind: 'reply', id, ok: true, body: await this.#local(name, body) };
    } catch (error) {
      if (error instanceof RemoteFailure || !(error instanceof Error && 'code' in error)) {
        this.deps.logger.error({ err: error, command: name, from }, 'command failed');
      }
      reply = { kind: 'reply', id, ok: false, error: toWireError(error) };
    }
    await this.deps.bus.publish(`commands.${from}`, reply).catch((error: unknown) => {
      this.deps.logger.error({ err: error, command: name, from }, 'could not send a command’s reply');
    });
  }

  #answer(id: string, body: unknown): void {
    const waiting = this.#settle(id);
    if (!waiting) return;
    const check = this.#checks.get(waiting.name);
    if (check?.reply.Check(body)) waiting.resolve(body);
    else waiting.reject(new RemoteFailure(`the reply to "${waiting.name}" does not fit its schema`));
  }

  /** Takes a request out of the waiting ones (once): whoever gets it settles it. */
  #settle(id: string): Waiting | undefined {
    const waiting = this.#waiting.get(id);
    if (!waiting) return undefined;
    this.#waiting.delete(id);
    clearTimeout(waiting.timer);
    return waiting;
  }
}
