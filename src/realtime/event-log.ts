// The per-operator event log seam: numbers each frame an operator receives (`seq`, strictly increasing per
// operator) and keeps the recent ones, so a client that reconnects asks for what it missed.

export interface Frame {
  type: string;
  seq: number;
  data: unknown;
}

export type Since = { frames: Frame[] } | { gone: true };

/**
 * Rules every implementation keeps:
 * - `append` assigns each (operator, frame) the next seq of that operator, atomically across processes.
 * - `since(op, n)` returns that operator's frames with seq > n in order, or `gone` when some of them were
 *   already dropped by retention (the client must reload), or when n is ahead of the log (another epoch).
 * - `epoch` changes whenever the numbering restarts (a new in-memory log, a flushed Redis); clients compare it.
 * - Retention keeps at least `maxPerOperator` frames per operator.
 * - No call waits for a lost storage: while it is away, calls reject at once (or within a few seconds).
 */
export interface EventLog {
  readonly epoch: string;
  append(entries: { operatorId: number; type: string; data: unknown }[]): Promise<(Frame & { operatorId: number })[]>;
  since(operatorId: number, seq: number): Promise<Since>;
  /** The operator's latest seq (0 when he has none yet). */
  head(operatorId: number): Promise<number>;
  /** Reads `epoch` again after the storage was away (it may have come back empty, with a new epoch). */
  refresh(): Promise<void>;
  close(): Promise<void>;
}
