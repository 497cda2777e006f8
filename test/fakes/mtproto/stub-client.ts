// mtcute's real BaseTelegramClient with only the wire replaced: RPCs go to the fake server, and server
// pushes enter where the network layer would emit them. No socket is ever opened.
import { FakeConnection } from '@fuman/net';
import {
  IntermediatePacketCodec,
  type ITelegramStorageProvider,
  type MustEqual,
  type NetworkManagerExtraParams,
  type RpcCallMiddlewareContext,
  type RpcCallOptions,
  type TelegramTransport,
  tl,
  type UpdatesManagerParams,
} from '@mtcute/core';
import { BaseTelegramClient } from '@mtcute/core/client.js';
import {
  __tlReaderMap,
  __tlWriterMap,
  isTlRpcError,
  TlBinaryReader,
  TlBinaryWriter,
  type BasicDcOption,
} from '@mtcute/core/utils.js';
import { NodePlatform } from '@mtcute/node';
import { NodeCryptoProvider } from '@mtcute/node/utils.js';
import { WireError } from './faults.js';
import { DC_ID } from './tl-builders.js';

/** Where the server's pushes for one client go: the stub itself, or its stand-in for a stub in another process. */
export interface PushTarget {
  deliver(updates: tl.TypeUpdates): void;
  deliverNow(updates: tl.TypeUpdates): void;
}

/** What the stub needs from the server; kept narrow so the two files do not import each other. */
export interface ServerLink {
  handle(request: tl.RpcMethod, options: RpcCallOptions | undefined, sessionKey: string, client: PushTarget): Promise<unknown>;
  listening(client: PushTarget): void;
  detach(client: PushTarget): void;
}

export interface StubClientOptions {
  storage: ITelegramStorageProvider;
  /** The app's credentials the client sends (auth.sendCode, auth.exportLoginToken); fake ones by default. */
  apiId?: number;
  apiHash?: string;
  /** mtcute's updates manager options, e.g. `{ catchUp: true }`. */
  updates?: UpdatesManagerParams;
  /** 0 off … 5 verbose; default 1 (errors). */
  logLevel?: number;
  /**
   * Pass production's `network` options to run its `middlewares` (mtcute's flood waiter, with its
   * floodSleepThreshold, and the internal-errors retry) around each call. Without them no middleware
   * runs and every Telegram error reaches the caller at once.
   */
  network?: NetworkManagerExtraParams;
}

/** A transport that is never dialled while `call` is overridden; if something does dial, it gets no socket. */
class FakeTransport implements TelegramTransport {
  dialled = 0;

  connect(dc: BasicDcOption): Promise<FakeConnection<BasicDcOption>> {
    this.dialled += 1;
    return Promise.resolve(new FakeConnection(dc));
  }

  packetCodec(): IntermediatePacketCodec {
    return new IntermediatePacketCodec();
  }
}

/** The wire: objects cross it as TL bytes, so the fake cannot hand out shared or schema-invalid objects. */
function overTheWire<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => overTheWire(item)) as T;
  if (typeof value !== 'object' || value === null || !('_' in value) || typeof value._ !== 'string') return value;
  return TlBinaryReader.deserializeObject<T>(__tlReaderMap, TlBinaryWriter.serializeObject(__tlWriterMap, value as { _: string }));
}

export class StubTelegramClient extends BaseTelegramClient implements PushTarget {
  /** Resolves once mtcute's updates loop is subscribed to server pushes; pushes before that are held. */
  readonly listening: Promise<void>;
  private readonly transport: FakeTransport;
  private delivery: Promise<void>;
  /** Set while the connection is down: resolves when it is back. */
  private down: { back: Promise<void>; restore: () => void } | undefined;

  constructor(
    private readonly server: ServerLink,
    options: StubClientOptions,
  ) {
    const transport = new FakeTransport();
    super({
      apiId: options.apiId ?? 1,
      apiHash: options.apiHash ?? 'fake-api-hash',
      storage: options.storage,
      transport,
      crypto: new NodeCryptoProvider(),
      platform: new NodePlatform(),
      updates: options.updates,
      logLevel: options.logLevel ?? 1,
      network: options.network,
    });
    this.transport = transport;
    this.listening = this.updatesLoopStarted();
    this.delivery = this.listening;
  }

  /** How often mtcute dialled the transport; stays 0 because no code path reaches the network layer. */
  get dialled(): number {
    return this.transport.dialled;
  }

  override async call<T extends tl.RpcMethod>(
    message: MustEqual<T, tl.RpcMethod>,
    params?: RpcCallOptions,
  ): Promise<tl.RpcCallReturn[T['_']]> {
    if (this.destroyed) throw new Error('Client is destroyed');
    params?.abortSignal?.throwIfAborted();
    // as mtcute's own calls do, a call made while the connection is down waits for the next one
    if (this.down) await this.down.back;
    await this.prepare();
    const request: tl.RpcMethod = message;
    TlBinaryWriter.serializeObject(__tlWriterMap, request); // throws, as on the real wire, for a malformed request
    const result = await this.throughMiddlewares({ request, manager: this.connectedManager(), params }, await this.sessionKey());
    if (isTlRpcError(result)) throw tl.RpcError.fromTl(result);
    // the real call() caches every user and chat of every answer; peer resolution depends on it
    await this.storage.peers.updatePeersFrom(result as tl.TlObject);
    // the handler table is keyed by method name, which TypeScript cannot correlate with T
    return result as tl.RpcCallReturn[T['_']];
  }

  override async connect(): Promise<void> {
    await this.prepare();
    this.onConnectionState.emit('connected');
  }

  override async getPoolSize(): Promise<number> {
    return 1;
  }

  override async getPrimaryDcId(): Promise<number> {
    return DC_ID;
  }

  override async destroy(): Promise<void> {
    this.server.detach(this);
    await super.destroy();
  }

  /**
   * The connection to Telegram drops, reported the way mtcute's network layer reports it: the transport error,
   * then "connecting". Until reconnect() the wire is gone: pushes are lost (Telegram keeps them for
   * getDifference) and calls wait.
   */
  dropConnection(error: Error = new Error('read ECONNRESET')): void {
    let restore = () => {};
    const back = new Promise<void>((resolve) => (restore = resolve));
    this.down = { back, restore };
    this.onError.emit(error);
    this.mt.onConnecting.emit();
  }

  /** A new connection is usable: waiting calls go out; the next push shows mtcute the pts gap to catch up on. */
  reconnect(): void {
    const down = this.down;
    this.down = undefined;
    this.mt.onUsable.emit();
    down?.restore();
  }

  /** A server push, in order, once mtcute's updates loop listens (before that it would be dropped). */
  deliver(updates: tl.TypeUpdates): void {
    if (this.down) return; // nothing arrives on a closed connection
    const copy = overTheWire(updates);
    this.delivery = this.delivery.then(() => {
      if (!this.destroyed) this.mt.onUpdate.emit(copy);
    });
  }

  /** A push that does not wait for the updates loop (updateLoginToken arrives before login). */
  deliverNow(updates: tl.TypeUpdates): void {
    this.mt.onUpdate.emit(overTheWire(updates));
  }

  /**
   * The network manager as middlewares see it: mtcute's own, except that it knows its primary DC (the real one
   * learns it on connecting, which never happens here); production's media throttle asks for it on uploads.
   */
  private connectedManager(): RpcCallMiddlewareContext['manager'] {
    const network = this.mt.network;
    return Object.create(network, { getPrimaryDcId: { value: () => DC_ID } }) as typeof network;
  }

  /** Where mtcute's network layer would run its middlewares and then send the request. */
  private throughMiddlewares(context: RpcCallMiddlewareContext, sessionKey: string): Promise<unknown> {
    const middlewares = this.params.network?.middlewares ?? [];
    const send = async (ctx: RpcCallMiddlewareContext): Promise<unknown> => {
      try {
        return overTheWire(await this.server.handle(ctx.request, ctx.params, sessionKey, this));
      } catch (error) {
        if (error instanceof WireError) return error.rpc;
        throw error;
      }
    };
    const run = (index: number, ctx: RpcCallMiddlewareContext): Promise<unknown> => {
      const middleware = middlewares[index];
      return middleware ? middleware(ctx, (nextCtx) => run(index + 1, nextCtx)) : send(ctx);
    };
    return run(0, context);
  }

  /**
   * The session is the auth key, as on Telegram: created on first use (where a real client would run
   * the key exchange) and kept in the storage, so a client rebuilt on the same storage is the same session.
   */
  private async sessionKey(): Promise<string> {
    const dc = this.mt._defaultDcs.main.id;
    const keys = this.mt.storage.provider.authKeys;
    let key = await keys.get(dc);
    if (!key) {
      key = this.crypto.randomBytes(256);
      await keys.set(dc, key);
    }
    return Buffer.from(key.subarray(0, 16)).toString('hex');
  }

  /**
   * mtcute starts its updates loop without awaiting it (after login), and a push that arrives before the
   * loop subscribed is dropped; wrapping startLoop is the one exact signal of "subscribed".
   */
  private updatesLoopStarted(): Promise<void> {
    const manager = this.updates;
    if (!manager) return new Promise(() => {});
    return new Promise((resolve) => {
      const startLoop = manager.startLoop.bind(manager);
      manager.startLoop = async () => {
        await startLoop();
        resolve();
        this.server.listening(this);
      };
    });
  }
}
