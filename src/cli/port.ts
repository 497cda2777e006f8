// Why `parley start` cannot listen, in one line for the operator (instead of a stack trace).
import { createServer } from 'node:net';

/** Binds the address for a moment; the reason it cannot be used, or null when it is free. */
export function portProblem(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error) => resolve(listenProblem(error, host, port) ?? `cannot listen on ${host}:${port}: ${error.message}`));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(null)));
  });
}

/** The operator's words for a failed listen, or null for an error that is not about the address. */
export function listenProblem(error: unknown, host: string, port: number): string | null {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  if (code === 'EADDRINUSE') return `port ${port} on ${host} is already in use: stop what runs there, or set PORT to another port`;
  if (code === 'EACCES') return `not allowed to listen on port ${port} on ${host}: ports below 1024 need privileges; set PORT to another port`;
  if (code === 'EADDRNOTAVAIL') return `${host} is not an address of this machine: set HOST to one of its addresses`;
  return null;
}
