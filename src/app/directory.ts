// The active operators, cached for the realtime fan-out (which runs for every message) and refreshed when
// an operator changes anywhere (bus topic `operators.changed`) or after a short time.
import type { Operator } from '../domain/operator.js';
import type { OperatorRepository } from '../store/operators.js';

const MAX_AGE_MS = 30_000;

export class OperatorDirectory {
  private cached: { at: number; operators: Promise<Operator[]> } | undefined;

  constructor(private readonly operators: OperatorRepository) {}

  active(): Promise<Operator[]> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > MAX_AGE_MS) {
      const operators = this.operators.listAllActive();
      this.cached = { at: now, operators };
      operators.catch(() => (this.cached = undefined));
    }
    return this.cached.operators;
  }

  invalidate(): void {
    this.cached = undefined;
  }
}
