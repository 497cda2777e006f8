// A WebSocket client for tests: every frame is queued, and a test awaits the next one (no sleeps).
import WebSocket from 'ws';
import type { Json } from './api.js';

export interface Frame {
  type: string;
  seq: number;
  epoch: string;
  data: Json;
}

export class TestSocket {
  private readonly frames: Frame[] = [];
  private waiters: (() => void)[] = [];
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as Frame);
      this.wake();
    });
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  /** Opens `/ws/messages/` with the given query (token, ticket, since, epoch). */
  static async open(baseUrl: string, query: Record<string, string | number>, headers: Record<string, string> = {}): Promise<TestSocket> {
    const params = new URLSearchParams(Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])));
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws/messages/?${params}`, { headers });
    const client = new TestSocket(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  /** Opens a socket for an API client and waits for its hello. */
  static async connect(baseUrl: string, token: string): Promise<TestSocket> {
    const socket = await TestSocket.open(baseUrl, { token });
    const hello = await socket.next();
    if (hello.type !== 'hello') throw new Error(`expected hello, got ${hello.type}`);
    return socket;
  }

  /** The next frame (waits for it). */
  async next(timeoutMs = 10_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0) {
      if (this.closed) throw new Error(`socket closed (${this.closed.code} ${this.closed.reason}) while waiting for a frame`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no frame arrived in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.frames.shift() as Frame;
  }

  /** Skips frames until one matches; returns it. */
  async until(match: (frame: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    const skipped: Frame[] = [];
    for (;;) {
      let frame: Frame;
      try {
        frame = await this.next(Math.max(1, deadline - Date.now()));
      } catch (error) {
        // what arrived instead is what tells a failure in CI apart from a slow machine
        throw new Error(`${(error as Error).message}; skipped meanwhile: ${describeFrames(skipped)}`, { cause: error });
      }
      if (match(frame)) return frame;
      skipped.push(frame);
    }
  }

  /** Frames already received and not yet consumed. */
  pending(): Frame[] {
    return [...this.frames];
  }

  async waitClosed(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('socket did not close');
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.closed;
  }

  close(): void {
    this.socket.close();
  }

  /**
   * Hands every frame to `onFrame` (awaited, in order), as a client acting on frames as they come; `stop()` closes
   * the socket and resolves once the last frame was handled.
   */
  consume(onFrame: (frame: Frame) => Promise<void> | void): { stop(): Promise<void> } {
    let consuming = true;
    const consumer = (async () => {
      while (consuming && !this.closed) {
        const frame = await this.next(60_000).catch(() => undefined);
        if (frame) await onFrame(frame);
      }
    })();
    return {
      stop: async () => {
        consuming = false;
        this.close();
        await consumer;
      },
    };
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

function describeFrames(frames: Frame[]): string {
  if (frames.length === 0) return 'nothing';
  return frames
    .map((frame) => {
      const data = frame.data as { id?: unknown; text?: unknown; status?: unknown } | null;
      const detail = [data?.id, data?.text, data?.status].filter((part) => part !== undefined && part !== null).join(' ');
      return `${frame.type}#${frame.seq}${detail ? ` (${String(detail).slice(0, 60)})` : ''}`;
    })
    .join(', ');
}
