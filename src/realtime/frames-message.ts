// What the bus's `frames` topic carries: frames the publisher (app/publisher.ts) numbered for their operators,
// delivered by every process's SocketHub.
import type { Frame } from './event-log.js';

export interface FramesMessage {
  epoch: string;
  /** When the events were published, just after their commit (for the ingest→socket latency). */
  at?: number;
  frames: (Frame & { operatorId: number })[];
}
