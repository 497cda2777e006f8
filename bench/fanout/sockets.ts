// The fan-out suite's sockets, in a process of their own so that holding 1,000 WebSockets does not slow the
// load generator: connects one `ws` client per operator and admin, and notes, for every message.created frame
// whose text is `fo <sent-at>`, how long after <sent-at> (the sender's clock: performance.timeOrigin + now,
// the same machine) it arrived. Driven by the parent over the IPC channel (see SocketsCommand).
import WebSocket from 'ws';

export type SocketsCommand =
  | { cmd: 'connect'; url: string; sockets: { token: string; index: number; admin: boolean }[] }
  | { cmd: 'count' }
  | { cmd: 'collect' }
  | { cmd: 'close'; keepOperators: number }
  | { cmd: 'exit' };

export interface Collected {
  operator: number[];
  admin: number[];
  cpuMs: number;
}

const now = () => performance.timeOrigin + performance.now();
let operatorLatencies: number[] = [];
let adminLatencies: number[] = [];
const open: { socket: WebSocket; index: number; admin: boolean }[] = [];

function connect(url: string, token: string, admin: boolean): Promise<WebSocket> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/ws/messages/?token=${encodeURIComponent(token)}`);
  socket.on('message', (raw: Buffer) => {
    const received = now();
    const text = raw.toString();
    if (!text.includes('"message.created"')) return;
    const frame = JSON.parse(text) as { type: string; data: { text?: string | null } };
    const sentAt = frame.type === 'message.created' && frame.data.text?.startsWith('fo ') ? Number(frame.data.text.slice(3)) : NaN;
    if (Number.isFinite(sentAt)) (admin ? adminLatencies : operatorLatencies).push(received - sentAt);
  });
  return new Promise((resolve, reject) => {
    socket.once('message', () => resolve(socket)); // hello
    socket.once('error', reject);
    socket.once('close', (code) => reject(new Error(`socket closed with ${code} before hello`)));
  });
}

async function handle(command: SocketsCommand): Promise<unknown> {
  if (command.cmd === 'connect') {
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < command.sockets.length) {
          const { token, index, admin } = command.sockets[next++] as { token: string; index: number; admin: boolean };
          open.push({ socket: await connect(command.url, token, admin), index, admin });
        }
      }),
    );
    return { connected: open.length };
  }
  if (command.cmd === 'count') return { received: operatorLatencies.length + adminLatencies.length };
  if (command.cmd === 'collect') {
    const usage = process.cpuUsage();
    const collected: Collected = { operator: operatorLatencies, admin: adminLatencies, cpuMs: (usage.user + usage.system) / 1000 };
    operatorLatencies = [];
    adminLatencies = [];
    return collected;
  }
  if (command.cmd === 'close') {
    const closing = open.filter((entry) => !entry.admin && entry.index >= command.keepOperators);
    for (const entry of closing) entry.socket.close();
    open.splice(0, open.length, ...open.filter((entry) => !closing.includes(entry)));
    return { connected: open.length };
  }
  for (const entry of open) entry.socket.terminate();
  process.exit(0);
}

process.on('message', (command: SocketsCommand) => {
  handle(command).then(
    (answer) => process.send?.({ ok: answer }),
    (error: unknown) => process.send?.({ error: String(error) }),
  );
});
