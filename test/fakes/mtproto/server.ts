// The fake Telegram: server-side state, sessions, the handler table, fault injection and server pushes.
import type { ITelegramStorageProvider, NetworkManagerExtraParams, RpcCallOptions, tl, UpdatesManagerParams } from '@mtcute/core';
import { TelegramClient } from '@mtcute/core/client.js';
import { CallLog, type MethodName, type RequestOf, type WaitOptions } from './calls.js';
import { Customer, Group, post, type Chat, type MediaOptions, type MessageBox, type PostOptions } from './customers.js';
import { directoryHandlers } from './directory.js';
import { FaultTable, rpcError, type FaultOptions } from './faults.js';
import { fileHandlers } from './files.js';
import type { Handler, HandlerTable, Session } from './handlers.js';
import { historyHandlers } from './history.js';
import { LoginFlow } from './login.js';
import { buildMedia, type MediaSpec } from './media.js';
import { Outgoing, type SentMessage } from './outgoing.js';
import { TelegramState } from './state.js';
import { StubTelegramClient, type PushTarget, type ServerLink } from './stub-client.js';
import { peerUser, unixNow, type UserSpec } from './tl-builders.js';
import { updatesHandlers } from './update-log.js';

export interface FakeTelegramOptions {
  /** The logged-in account; phone in digits as mtcute normalises it. */
  owner?: Partial<UserSpec>;
  /** Turns on 2FA with this password (real SRP). */
  password?: string;
  passwordHint?: string;
  /** Answer sendMessage with updateShortSentMessage instead of updates (both happen on Telegram). */
  shortSentMessage?: boolean;
  /**
   * Answer AUTH_KEY_DUPLICATED, as Telegram does, when a logged-in session is used by a new client while an
   * earlier one still listens (multi-process tests; in one process a reconnect may overlap its predecessor).
   */
  rejectDuplicateKeys?: boolean;
}

export interface CreateClientOptions {
  storage: ITelegramStorageProvider;
  /** The app's credentials the client sends; fake ones by default. */
  apiId?: number;
  apiHash?: string;
  /** mtcute updates options, e.g. `{ catchUp: true }` to call getDifference from the stored state on start. */
  updates?: UpdatesManagerParams;
  logLevel?: number;
  /** Production's network options; its `middlewares` then run around every call (see StubClientOptions). */
  network?: NetworkManagerExtraParams;
}

/** Methods a session may call before it is authorised. */
const PUBLIC = (method: MethodName): boolean => method.startsWith('auth.') || method.startsWith('help.') || method === 'account.getPassword';

export class FakeTelegramServer implements ServerLink, MessageBox {
  readonly state: TelegramState;
  readonly calls = new CallLog();
  readonly login: LoginFlow;
  readonly outgoing: Outgoing;
  /** Methods a client called that the fake has no handler for. */
  readonly unhandled: MethodName[] = [];
  /**
   * Logged-in sessions a second client used while the first was still connected (not destroyed, its process
   * alive): Telegram answers AUTH_KEY_DUPLICATED and revokes the session. With `rejectDuplicateKeys`.
   */
  readonly duplicatedKeys: string[] = [];
  private readonly faults = new FaultTable();
  private readonly sessions = new Map<string, Session>();
  private readonly clients = new Map<PushTarget, Session>();
  private readonly listeningClients = new Set<PushTarget>();
  private listenWaiters: (() => void)[] = [];
  private readonly handlers: HandlerTable;
  private offline = 0;
  private readonly rejectDuplicateKeys: boolean;

  constructor(options: FakeTelegramOptions = {}) {
    this.rejectDuplicateKeys = options.rejectDuplicateKeys ?? false;
    this.state = new TelegramState({ firstName: 'Olga', lastName: 'Owner', phone: '15550001111', ...options.owner });
    this.login = new LoginFlow(this.state, (session, updates) => this.pushTo(session, updates, true));
    this.login.setPassword(options.password, options.passwordHint);
    this.outgoing = new Outgoing(this.state, this, { shortSentMessage: options.shortSentMessage ?? false });
    this.handlers = {
      ...this.login.handlers(),
      ...this.outgoing.handlers(),
      ...historyHandlers(this.state),
      ...directoryHandlers(this.state),
      ...fileHandlers(this.state.files),
      ...updatesHandlers(this.state.log),
    };
  }

  get owner(): tl.RawUser {
    return this.state.owner;
  }

  /** What production's client factory will do, on the stub: a real TelegramClient over the fake wire. */
  createClient(options: CreateClientOptions): TelegramClient {
    return new TelegramClient({ client: this.createStub(options) });
  }

  /** The bare stub, for wrapping in another TelegramClient class (`@mtcute/node`'s accepts `{ client }` too). */
  createStub(options: CreateClientOptions): StubTelegramClient {
    return new StubTelegramClient(this, options);
  }

  addCustomer(spec: Omit<UserSpec, 'id'>): Customer {
    return new Customer(this, this.state.addUser(spec));
  }

  addGroup(title: string, members: Customer[]): Group {
    return new Group(this, this.state.addBasicGroup(title, members.length + 1), members);
  }

  /** A message the owner sent from his phone: arrives as an outgoing (`out: true`) new message. */
  ownerSends(chat: Chat, text: string, options: PostOptions = {}): tl.RawMessage {
    return post(this, { peer: chat.peer, from: peerUser(this.owner.id), out: true, text, ...options });
  }

  ownerSendsMedia(chat: Chat, spec: MediaSpec, options: MediaOptions = {}): tl.RawMessage {
    const media = buildMedia(this.state.files, spec);
    return post(this, { peer: chat.peer, from: peerUser(this.owner.id), out: true, text: options.caption ?? '', media, ...options });
  }

  /** Runs `events` while no client is reachable: they are recorded for getDifference but not pushed. */
  async whileOffline(events: () => void | Promise<void>): Promise<void> {
    this.offline += 1;
    try {
      await events();
    } finally {
      this.offline -= 1;
    }
  }

  /** Fail calls of `method` ('*' for any) with a Telegram error, e.g. `fail('auth.sendCode', 'FLOOD_WAIT_30')`. */
  fail(method: MethodName | '*', error: string, options?: FaultOptions): void {
    this.faults.add(method, error, options);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Replaces or adds the answer to one method, e.g. a slow one that resolves when the test says so. */
  setHandler<M extends MethodName>(method: M, handler: Handler<M>): void {
    // a generic key cannot index the mapped table for writing; the signature above keeps the pairing typed
    Object.assign(this.handlers, { [method]: handler });
  }

  /** The owner terminated all sessions from another device: from now on they get AUTH_KEY_UNREGISTERED. */
  revokeSessions(): void {
    for (const session of this.sessions.values()) {
      session.userId = undefined;
      session.passwordPending = false;
    }
  }

  waitForCall<M extends MethodName>(method: M, predicate?: (request: RequestOf<M>) => boolean, options?: WaitOptions): Promise<RequestOf<M>> {
    return this.calls.waitFor(method, predicate, options);
  }

  /** Messages the account sent through a client, with their randomId and uploaded bytes. */
  get sent(): SentMessage[] {
    return this.outgoing.sent;
  }

  publish(update: tl.TypeUpdate, peers: { userIds: number[]; chatIds: number[] }, except?: Session): void {
    this.state.log.append(update, peers.userIds, peers.chatIds);
    const updates: tl.RawUpdates = {
      _: 'updates',
      updates: [update],
      users: this.state.usersById(peers.userIds),
      chats: this.state.chatsById(peers.chatIds),
      date: unixNow(),
      // seq 0 as in updateShortMessage: ordering is by pts, which is what a gap test exercises
      seq: 0,
    };
    if (this.offline > 0) return;
    for (const session of new Set(this.clients.values())) {
      if (session !== except && session.userId === this.owner.id) this.pushTo(session, updates, false);
    }
  }

  async handle(request: tl.RpcMethod, options: RpcCallOptions | undefined, sessionKey: string, client: PushTarget): Promise<unknown> {
    const session = this.sessionFor(sessionKey);
    if (this.rejectDuplicateKeys && this.usedElsewhere(session, client)) {
      this.duplicatedKeys.push(session.key);
      throw rpcError('AUTH_KEY_DUPLICATED');
    }
    this.clients.set(client, session);
    this.calls.record(request, session.key, options);
    const fault = this.faults.take(request);
    if (fault) throw fault;
    if (!session.userId && !PUBLIC(request._)) {
      throw rpcError(session.passwordPending ? 'SESSION_PASSWORD_NEEDED' : 'AUTH_KEY_UNREGISTERED');
    }
    // the table maps each name to its own handler type, which a lookup by a union key cannot express
    const handler = this.handlers[request._] as Handler<MethodName> | undefined;
    if (!handler) {
      this.unhandled.push(request._);
      throw new Error(`FakeTelegramServer: no handler for ${request._}`);
    }
    return handler(request as RequestOf<MethodName>, session);
  }

  /**
   * Resolves once a logged-in client's updates loop listens. mtcute answers the first getDifference of a
   * fresh login with state only, so a message published before this point is never dispatched to it.
   */
  whenListening(): Promise<void> {
    if ([...this.listeningClients].some((c) => this.clients.get(c)?.userId === this.owner.id)) return Promise.resolve();
    return new Promise((resolve) => this.listenWaiters.push(resolve));
  }

  listening(client: PushTarget): void {
    this.listeningClients.add(client);
    if (this.clients.get(client)?.userId !== this.owner.id) return;
    for (const resolve of this.listenWaiters.splice(0)) resolve();
  }

  detach(client: PushTarget): void {
    this.clients.delete(client);
    this.listeningClients.delete(client);
  }

  /** Sessions ever seen, e.g. to assert a restarted client reused the stored one. */
  sessionKeys(): string[] {
    return [...this.sessions.keys()];
  }

  /** A new client on a logged-in session whose earlier client is still connected. */
  private usedElsewhere(session: Session, client: PushTarget): boolean {
    if (session.userId === undefined || this.clients.has(client)) return false;
    return [...this.listeningClients].some((other) => other !== client && this.clients.get(other) === session);
  }

  private sessionFor(key: string): Session {
    const session = this.sessions.get(key) ?? { key, passwordPending: false };
    this.sessions.set(key, session);
    return session;
  }

  private pushTo(session: Session, updates: tl.TypeUpdates, immediately: boolean): void {
    for (const [client, s] of this.clients) {
      if (s !== session) continue;
      if (immediately) client.deliverNow(updates);
      else client.deliver(updates);
    }
  }
}
