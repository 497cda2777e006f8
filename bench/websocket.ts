// WebSocket delivery latency: from the moment a customer's message is handed to Parley until each of N open
// sockets allowed to see it has received the frame. Messages go one at a time (the next once the previous
// reached every socket), so the figure is latency, not queueing behind a saturated single thread.
import WebSocket from 'ws';
import type { Actor } from '../src/app/operators.js';
import type { AccountId } from '../src/domain/ids.js';
import type { BenchServer } from './setup.js';

export interface DeliveryFigures {
  sockets: number;
  messages: number;
  p50Ms: number;
  p99Ms: number;
}

export async function measureDelivery(server: BenchServer, socketCount: number, messages: number): Promise<DeliveryFigures> {
  const { parley, url, token } = server;
  const principal = await parley.auth.authenticate(token, 'api');
  if (!principal) throw new Error('bench admin cannot log in');
  const actor: Actor = { principal, ip: '127.0.0.1' };
  const accountId = (await parley.accounts.create(actor, { type: 'simulator', title: 'bench sockets' })).id as AccountId;

  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let remaining = 0;
  let done: () => void = () => undefined;
  const sockets = await Promise.all(
    Array.from({ length: socketCount }, () => {
      const socket = new WebSocket(`${url.replace('http', 'ws')}/ws/messages/?token=${token}`);
      socket.on('message', (raw) => {
        const frame = JSON.parse(raw.toString()) as { type: string; data: { text?: string } };
        if (frame.type !== 'message.created' || !frame.data.text) return;
        const started = sentAt.get(frame.data.text);
        if (started === undefined) return;
        latencies.push(performance.now() - started);
        remaining -= 1;
        if (remaining === 0) done();
      });
      return new Promise<WebSocket>((resolve, reject) => {
        socket.once('message', () => resolve(socket)); // hello
        socket.once('error', reject);
      });
    }),
  );

  for (let i = 0; i < messages; i += 1) {
    const text = `latency probe ${i}`;
    remaining = socketCount;
    const delivered = new Promise<void>((resolve) => (done = resolve));
    sentAt.set(text, performance.now());
    await parley.accounts.simulate(actor, accountId, { id: String(200_000 + (i % 50)), name: `Probe ${i % 50}` }, text);
    await delivered;
  }
  for (const socket of sockets) socket.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { sockets: socketCount, messages, p50Ms: at(0.5), p99Ms: at(0.99) };
}
