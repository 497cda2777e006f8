// The WebSocket hub of one process: holds its operators' sockets and hands each the frames numbered for
// him. A socket that reconnects with `since` first gets what it missed from the event log, then live frames,
// with nothing lost or repeated in between.
import type { Logger } from '../log.js';
import type { EventBus } from './bus.js';
import type { EventLog, Frame, Payload } from './event-log.js';
import type { FramesMessage } from './frames-message.js';

/** The slice of a `ws` WebSocket the hub uses. */
export interface HubSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  ping(): void;
  terminate(): void;
  on(event: 'close', listener: () => void): unknown;
  on(event: 'pong', listener: () => void): unknown;
}

const OPEN = 1;
const PING_INTERVAL_MS = 30_000;
const POLICY_VIOLATION = 1008;
/** WebSocket's "try again later": the event log cannot be read now; the client reconnects with its position. */
const TRY_AGAIN_LATER = 1013;
/** After a bus reconnection, how often and how patiently (×1, ×2… ms) the event log is asked for its epoch. */
const REFRESH_TRIES = 8;
const REFRESH_WAIT_MS = 250;
/** setTimeout's ceiling (about 24.8 days); a later expiry is re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Who opened a socket, with what: the socket closes when that token or session is revoked or expires. */
export interface SocketOwner {
  operatorId: number;
  tokenId: number;
  expiresAt: number | null;
}

interface Connection {
  operatorId: number;
  tokenId: number;
  socket: HubSocket;
  expiry: NodeJS.Timeout | undefined;
  /** Frames that arrived while the backlog was being sent. */
  buffer: Frame[] | null;
  /** Frames up to here the client has (or was told to load through REST). */
  baseline: number;
  /** Recently sent seqs: frames from several producers can arrive out of order, so a high-water mark won't do. */
  sent: Set<number>;
  alive: boolean;
}

const REMEMBERED_SEQS = 4096;

export class SocketHub {
  private readonly connections = new Map<number, Set<Connection>>();
  private unsubscribe: (() => Promise<void>) | undefined;
  private pinger: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: {
      bus: EventBus;
      log: EventLog;
      logger: Logger;
      /** A customer's new message reached a socket; `publishedAt` is when its ingest committed. */
      inboundDelivered?: (publishedAt: number) => void;
    },
  ) {}

  async start(): Promise<void> {
    const unsubscribeFrames = await this.deps.bus.subscribe('frames', (message) => this.deliver(message));
    const unsubscribeLosses = await this.deps.bus.subscribe('frames.lost', () => void this.resetAll());
    this.unsubscribe = async () => void (await Promise.all([unsubscribeFrames(), unsubscribeLosses()]));
    this.deps.bus.onReconnect(() => void this.resetAll());
    this.pinger = setInterval(() => this.heartbeat(), PING_INTERVAL_MS);
    this.pinger.unref();
  }

  get size(): number {
    let count = 0;
    for (const set of this.connections.values()) count += set.size;
    return count;
  }

  /**
   * Registers a socket. Without `since` it gets a hello with the current seq and live frames after it;
   * with `since` it first gets the frames after that seq, or a `reset` when they are gone.
   */
  async add(owner: SocketOwner, socket: HubSocket, since: { seq: number; epoch: string } | null): Promise<void> {
    const { operatorId, tokenId } = owner;
    const connection: Connection = { operatorId, tokenId, socket, expiry: undefined, buffer: [], baseline: 0, sent: new Set(), alive: true };
    const set = this.connections.get(operatorId) ?? new Set();
    set.add(connection);
    this.connections.set(operatorId, set);
    socket.on('close', () => this.remove(connection));
    if (owner.expiresAt !== null) this.expireAt(connection, owner.expiresAt);
    socket.on('pong', () => (connection.alive = true));

    try {
      await this.greet(connection, since);
    } catch (error) {
      this.deps.logger.warn({ err: error, operatorId }, 'a socket could not be started: the event log is not reachable');
      socket.close(TRY_AGAIN_LATER, 'events are not reachable right now; reconnect shortly');
      return;
    }
    this.flush(connection);
  }

  /** The socket's first frame: hello, then what it missed; or a reset when that is gone. */
  private async greet(connection: Connection, since: { seq: number; epoch: string } | null): Promise<void> {
    const { log } = this.deps;
    const { operatorId } = connection;
    const backlog = since && since.epoch === log.epoch ? await log.since(operatorId, since.seq) : null;
    if (backlog && 'frames' in backlog) {
      connection.baseline = since?.seq ?? 0;
      this.greeting(connection, 'hello', true);
      for (const frame of backlog.frames) this.forward(connection, frame);
    } else {
      connection.baseline = await log.head(operatorId);
      this.greeting(connection, since ? 'reset' : 'hello', false);
    }
  }

  /** A `hello` or `reset` frame: where the socket's stream starts (its baseline seq in the log's epoch). */
  private greeting(connection: Connection, type: 'hello' | 'reset', resumed: boolean): void {
    const data = { operator_id: connection.operatorId, resumed };
    this.send(connection, JSON.stringify({ type, seq: connection.baseline, epoch: this.deps.log.epoch, data }));
  }

  /** Sends the frames that arrived while the socket's first frames were being sent. */
  private flush(connection: Connection): void {
    const buffered = connection.buffer ?? [];
    connection.buffer = null;
    for (const frame of buffered) this.forward(connection, frame);
  }

  /**
   * The bus was away, or a process announced frames it dropped: frames may have been lost, and Redis may have come
   * back empty (a new epoch, seqs from 1). Every socket gets a `reset` at the current head (its client reloads) and
   * live frames after it.
   */
  private async resetAll(): Promise<void> {
    // The event log has its own connection, which may come back a moment after the bus's.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.deps.log.refresh();
        break;
      } catch (error) {
        if (attempt < REFRESH_TRIES) {
          await new Promise((resolve) => setTimeout(resolve, REFRESH_WAIT_MS * attempt));
          continue;
        }
        this.deps.logger.warn({ err: error }, 'sockets are closed to reconnect: the event log is not reachable');
        for (const set of this.connections.values()) for (const c of set) c.socket.close(TRY_AGAIN_LATER, 'events were interrupted; reconnect');
        return;
      }
    }
    const resets: Promise<void>[] = [];
    for (const set of this.connections.values()) {
      // A socket still receiving its first frames reads the log as it is now anyway.
      for (const connection of set) if (!connection.buffer) resets.push(this.reset(connection));
    }
    await Promise.all(resets);
  }

  private async reset(connection: Connection): Promise<void> {
    const { log } = this.deps;
    connection.buffer = [];
    try {
      connection.baseline = await log.head(connection.operatorId);
    } catch {
      connection.socket.close(TRY_AGAIN_LATER, 'events were interrupted; reconnect');
      return;
    }
    connection.sent.clear();
    this.greeting(connection, 'reset', false);
    this.flush(connection);
  }

  /** Closes every socket of an operator (deactivated, deleted). */
  disconnect(operatorId: number, code: number, reason: string): void {
    for (const connection of this.connections.get(operatorId) ?? []) connection.socket.close(code, reason);
  }

  /** Closes the sockets opened with a token or session (logged out, revoked). */
  disconnectToken(tokenId: number, reason: string): void {
    for (const set of this.connections.values()) {
      for (const connection of set) if (connection.tokenId === tokenId) connection.socket.close(POLICY_VIOLATION, reason);
    }
  }

  async close(): Promise<void> {
    if (this.pinger) clearInterval(this.pinger);
    await this.unsubscribe?.();
    for (const set of this.connections.values()) {
      for (const c of set) {
        clearTimeout(c.expiry);
        c.socket.close(1001, 'server shutting down');
      }
    }
    this.connections.clear();
  }

  private deliver(message: FramesMessage): void {
    const { epoch, at, payloads, frames } = message;
    if (epoch !== this.deps.log.epoch) return;
    // A payload's text is the same for every recipient but for the seq: its data is serialized once.
    const texts: (FrameText | undefined)[] = [];
    for (const { operatorId, seq, payload: index } of frames) {
      const connections = this.connections.get(operatorId);
      const payload = payloads[index];
      if (!connections || !payload) continue;
      const text = (texts[index] ??= frameText(payload, epoch));
      const frame: Frame = { type: payload.type, seq, data: payload.data };
      const inbound = at !== undefined && isInboundMessage(frame);
      for (const connection of connections) {
        if (connection.buffer) connection.buffer.push(frame);
        else if (this.forward(connection, frame, text(seq)) && inbound) this.deps.inboundDelivered?.(at);
      }
    }
  }

  /** Sends each frame once (true when it was written now); clients order frames by seq and fill a gap through /api/events. */
  private forward(connection: Connection, frame: Frame, text = JSON.stringify({ ...frame, epoch: this.deps.log.epoch })): boolean {
    if (frame.seq <= connection.baseline || connection.sent.has(frame.seq)) return false;
    connection.sent.add(frame.seq);
    if (connection.sent.size > REMEMBERED_SEQS) {
      // Sets iterate in insertion order: the first is the earliest sent, a seq long behind the live ones.
      const earliest = connection.sent.values().next().value as number;
      connection.sent.delete(earliest);
      connection.baseline = Math.max(connection.baseline, earliest);
    }
    return this.send(connection, text);
  }

  private send(connection: Connection, text: string): boolean {
    if (connection.socket.readyState !== OPEN) return false;
    try {
      connection.socket.send(text);
      return true;
    } catch (error) {
      this.deps.logger.warn({ err: error, operatorId: connection.operatorId }, 'websocket send failed');
      return false;
    }
  }

  private expireAt(connection: Connection, expiresAt: number): void {
    const left = expiresAt - Date.now();
    if (left <= 0) {
      connection.socket.close(POLICY_VIOLATION, 'session expired');
      return;
    }
    connection.expiry = setTimeout(() => this.expireAt(connection, expiresAt), Math.min(left, MAX_TIMER_MS));
    connection.expiry.unref();
  }

  private remove(connection: Connection): void {
    clearTimeout(connection.expiry);
    const set = this.connections.get(connection.operatorId);
    set?.delete(connection);
    if (set?.size === 0) this.connections.delete(connection.operatorId);
  }

  private heartbeat(): void {
    for (const set of this.connections.values()) {
      for (const connection of set) {
        if (!connection.alive) {
          connection.socket.terminate();
          continue;
        }
        connection.alive = false;
        connection.socket.ping();
      }
    }
  }
}

type FrameText = (seq: number) => string;

/** The socket's text of a payload at any seq, the same as `JSON.stringify({ type, seq, data, epoch })`. */
function frameText({ type, data }: Payload, epoch: string): FrameText {
  const head = `{"type":${JSON.stringify(type)},"seq":`;
  const tail = `,"data":${JSON.stringify(data) ?? 'null'},"epoch":${JSON.stringify(epoch)}}`;
  return (seq) => head + String(seq) + tail;
}

function isInboundMessage(frame: Frame): boolean {
  return frame.type === 'message.created' && (frame.data as { direction?: unknown } | null)?.direction === 'in';
}
