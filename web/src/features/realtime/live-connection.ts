// The socket of live frames: opens with a ticket, resumes after a drop with since/epoch so nothing is missed,
// and says when the server could not resume (then the lists are reloaded).
import type { Frame } from '../../api/types';
import { getWsTicket } from './api/get-ws-ticket';

export type LiveState = 'connecting' | 'online' | 'offline';

export interface LiveHandlers {
  frame(frame: Frame): void;
  /** Frames may have been missed (before the first hello, a new server, a reset): reload what is cached. */
  reload(): void;
  state(state: LiveState): void;
}

const MAX_DELAY_MS = 15_000;

export class LiveConnection {
  #socket: WebSocket | null = null;
  #position: { seq: number; epoch: string } | null = null;
  #delay = 500;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(private readonly handlers: LiveHandlers) {}

  start(): void {
    void this.#open();
  }

  stop(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#socket?.close(1000);
  }

  async #open(): Promise<void> {
    if (this.#closed) return;
    this.handlers.state('connecting');
    let ticket: string;
    try {
      ticket = await getWsTicket();
    } catch {
      this.#retry();
      return;
    }
    if (this.#closed) return;
    const query = new URLSearchParams({ ticket });
    if (this.#position) {
      query.set('since', String(this.#position.seq));
      query.set('epoch', this.#position.epoch);
    }
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${window.location.host}/ws/messages/?${query}`);
    this.#socket = socket;
    socket.onmessage = (event) => this.#receive(JSON.parse(String(event.data)) as Frame);
    socket.onclose = () => {
      if (this.#socket === socket) this.#retry();
    };
  }

  #receive(frame: Frame): void {
    if (frame.type === 'hello' || frame.type === 'reset') {
      // Not resumed (a first connection, a new server, a reset): what was loaded before may miss changes.
      const lost = frame.type === 'reset' || !frame.data.resumed;
      this.#delay = 500;
      this.#position = { seq: frame.seq, epoch: frame.epoch ?? '' };
      this.handlers.state('online');
      if (lost) this.handlers.reload();
      return;
    }
    if (this.#position && frame.seq <= this.#position.seq) return; // already applied before a resume
    // the socket's frames always carry the epoch (the document's frames leave it out for /api/events/ pages)
    this.#position = { seq: frame.seq, epoch: frame.epoch ?? this.#position?.epoch ?? '' };
    this.handlers.frame(frame);
  }

  #retry(): void {
    if (this.#closed) return;
    this.handlers.state('offline');
    this.#timer = setTimeout(() => void this.#open(), this.#delay);
    this.#delay = Math.min(this.#delay * 2, MAX_DELAY_MS);
  }
}
