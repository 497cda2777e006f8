// Latency of one GET at a time over a kept-alive connection: warm-up first, then percentiles of the timed requests.
import { Agent, request } from 'node:http';

export interface Latency {
  p50: number;
  p99: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function get(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      res.resume();
      res.once('end', () => (res.statusCode === 200 ? resolve(res.statusCode) : reject(new Error(`GET ${url} answered ${res.statusCode}`))));
    });
    req.once('error', reject);
    req.end();
  });
}

export async function measure(url: string, headers: Record<string, string>, counts: { warmup: number; requests: number }): Promise<Latency> {
  for (let i = 0; i < counts.warmup; i++) await get(url, headers);
  const times: number[] = [];
  for (let i = 0; i < counts.requests; i++) {
    const started = performance.now();
    await get(url, headers);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99) };
}

export function closeConnections(): void {
  agent.destroy();
}
