// The per-operator event log seam: numbers each frame an operator receives (`seq`, strictly increasing per
// operator) and keeps the recent ones, so a client that reconnects asks for what it missed.

export interface Frame {
  type: string;
  seq: number;
  data: unknown;
}

/** What one or more operators receive alike: presented once, shared by every delivery that points at it. */
export interface Payload {
  type: string;
  data: unknown;
}

/** Frames to number: each delivery gives an operator the payload at index `payload`. */
export interface Batch {
  payloads: Payload[];
  deliveries: { operatorId: number; payload: number }[];
}

/** A delivery with its seq, in the order of the batch's deliveries. */
export interface Numbered {
  operatorId: number;
  seq: number;
  payload: number;
}

export type Since = { frames: Frame[] } | { gone: true };

/**
 * Rules every implementation keeps:
 * - `append` assigns each delivery the next seq of its operator, atomically across processes, and costs one
 *   round trip to shared storage whatever the number of deliveries.
 * - `since(op, n)` returns that operator's frames with seq > n in order, or `gone` when some of them were
 *   already dropped by retention (the client must reload), or when n is ahead of the log (another epoch).
 * - `epoch` changes whenever the numbering restarts (a new in-memory log, a flushed Redis); clients compare it.
 * - Retention keeps at least `maxPerOperator` frames per operator.
 * - No call waits for a lost storage: while it is away, calls reject at once (or within a few seconds).
 */
export interface EventLog {
  readonly epoch: string;
  append(batch: Batch): Promise<Numbered[]>;
  since(operatorId: number, seq: number): Promise<Since>;
  /** The operator's latest seq (0 when he has none yet). */
  head(operatorId: number): Promise<number>;
  /** Reads `epoch` again after the storage was away (it may have come back empty, with a new epoch). */
  refresh(): Promise<void>;
  close(): Promise<void>;
}
