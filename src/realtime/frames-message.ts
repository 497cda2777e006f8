// What the bus's `frames` topic carries: frames the publisher (app/publisher.ts) numbered for their operators,
// delivered by every process's SocketHub. Each payload travels once, however many operators receive it.
import type { Numbered, Payload } from './event-log.js';

export interface FramesMessage {
  epoch: string;
  /** When the events were published, just after their commit (for the ingest→socket latency). */
  at?: number;
  payloads: Payload[];
  /** Per operator, the seq he got for the payload at index `payload`. */
  frames: Numbered[];
}
