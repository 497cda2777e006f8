// The fake Telegram for a Parley running in a child process (kill tests): the child's stub clients call the fake
// in the test process over the child's IPC channel, and its pushes come back the same way. The stub still
// sends every answer and push through TL serialization on its side, as it does in-process.
import type { ChildProcess } from 'node:child_process';
import { Long, type RpcCallOptions, type tl } from '@mtcute/core';
import { WireError } from './faults.js';
import type { FakeTelegramServer } from './server.js';
import type { PushTarget, ServerLink } from './stub-client.js';

/** JSON with tags for what JSON lacks: TL's 64-bit integers and byte strings. */
type Wire = null | boolean | number | string | Wire[] | { [key: string]: Wire };

type ChildMessage =
  | { kind: 'call'; id: number; client: number; sessionKey: string; request: Wire }
  | { kind: 'listening' | 'detach'; client: number };

type ParentMessage =
  | { kind: 'answer'; id: number; result?: Wire; rpc?: Wire; error?: string }
  | { kind: 'push'; client: number; updates: Wire; now: boolean };

export function toWire(value: unknown): Wire {
  if (value === undefined || value === null) return null;
  if (Long.isLong(value)) return { $long: value.toString(), unsigned: value.unsigned };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, toWire(v)]));
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  throw new Error(`cannot send a ${typeof value} to the other process`);
}

export function fromWire(value: Wire): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(fromWire);
  if (typeof value.$long === 'string') return Long.fromString(value.$long, value.unsigned === true);
  if (typeof value.$bytes === 'string') return new Uint8Array(Buffer.from(value.$bytes, 'base64'));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromWire(v)]));
}

/**
 * Test process: answers a child's calls with `server` and forwards the server's pushes to the child. Given a
 * function, each of the child's clients talks to the fake it returned at that client's first call (a test
 * switches fakes between logins while earlier accounts keep theirs).
 */
export function serveChild(child: ChildProcess, server: FakeTelegramServer | (() => FakeTelegramServer)): void {
  const targets = new Map<number, PushTarget>();
  const servers = new Map<number, FakeTelegramServer>();
  const serverOf = (client: number): FakeTelegramServer => {
    let found = servers.get(client);
    if (!found) {
      found = typeof server === 'function' ? server() : server;
      servers.set(client, found);
    }
    return found;
  };
  const send = (message: ParentMessage) => {
    if (child.connected) child.send(message);
  };
  const target = (client: number): PushTarget => {
    let found = targets.get(client);
    if (!found) {
      found = {
        deliver: (updates) => send({ kind: 'push', client, updates: toWire(updates), now: false }),
        deliverNow: (updates) => send({ kind: 'push', client, updates: toWire(updates), now: true }),
      };
      targets.set(client, found);
    }
    return found;
  };
  child.on('message', (raw) => {
    const message = raw as ChildMessage;
    if (message.kind !== 'call') {
      // the child's own reports to its test (user-process.ts) travel on the same channel
      if (message.kind !== 'listening' && message.kind !== 'detach') return;
      if (message.kind === 'listening') serverOf(message.client).listening(target(message.client));
      else serverOf(message.client).detach(target(message.client));
      return;
    }
    serverOf(message.client).handle(fromWire(message.request) as tl.RpcMethod, undefined, message.sessionKey, target(message.client)).then(
      (result) => send({ kind: 'answer', id: message.id, result: toWire(result) }),
      (error: unknown) =>
        send(error instanceof WireError ? { kind: 'answer', id: message.id, rpc: toWire(error.rpc) } : { kind: 'answer', id: message.id, error: String(error) }),
    );
  });
  // a killed child's clients are gone: Telegram stops pushing to them
  child.once('exit', () => {
    for (const [client, gone] of targets) serverOf(client).detach(gone);
  });
}

/** Child process: the stubs' link to the fake Telegram in the parent. */
export class RemoteTelegram implements ServerLink {
  private nextId = 0;
  private readonly calls = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly ids = new Map<PushTarget, number>();
  private readonly clients = new Map<number, PushTarget>();

  constructor() {
    process.on('message', (raw) => this.receive(raw as ParentMessage));
  }

  handle(request: tl.RpcMethod, _options: RpcCallOptions | undefined, sessionKey: string, client: PushTarget): Promise<unknown> {
    const id = (this.nextId += 1);
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      this.send({ kind: 'call', id, client: this.idOf(client), sessionKey, request: toWire(request) });
    });
  }

  listening(client: PushTarget): void {
    this.send({ kind: 'listening', client: this.idOf(client) });
  }

  detach(client: PushTarget): void {
    this.send({ kind: 'detach', client: this.idOf(client) });
  }

  private idOf(client: PushTarget): number {
    let id = this.ids.get(client);
    if (id === undefined) {
      id = this.ids.size + 1;
      this.ids.set(client, id);
      this.clients.set(id, client);
    }
    return id;
  }

  private send(message: ChildMessage): void {
    process.send?.(message);
  }

  private receive(message: ParentMessage): void {
    if (message.kind === 'push') {
      const client = this.clients.get(message.client);
      const updates = fromWire(message.updates) as tl.TypeUpdates;
      if (message.now) client?.deliverNow(updates);
      else client?.deliver(updates);
      return;
    }
    const call = this.calls.get(message.id);
    this.calls.delete(message.id);
    if (!call) return;
    if (message.rpc) call.reject(new WireError(fromWire(message.rpc) as ConstructorParameters<typeof WireError>[0]));
    else if (message.error !== undefined) call.reject(new Error(message.error));
    else call.resolve(fromWire(message.result ?? null));
  }
}
