// The active operators, cached for the realtime fan-out (which runs for every message) and refreshed when
// an operator changes anywhere (bus topic `operators.changed`) or after a short time.
import { Audience } from '../domain/visibility.js';
import type { Operator } from '../domain/operator.js';
import type { Settings } from '../domain/settings.js';
import type { OperatorRepository } from '../store/operators.js';

const MAX_AGE_MS = 30_000;

export class OperatorDirectory {
  private cached: { at: number; operators: Promise<Operator[]> } | undefined;
  /** The index of the last operators and settings seen: both are cached objects, so it is rebuilt when either is. */
  private indexed: { operators: Operator[]; settings: Settings; audience: Audience } | undefined;

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

  /** The active operators indexed by what they may see under `settings`. */
  async audience(settings: Settings): Promise<Audience> {
    const operators = await this.active();
    const indexed = this.indexed;
    if (indexed?.operators === operators && indexed.settings === settings) return indexed.audience;
    const audience = new Audience(operators, settings);
    this.indexed = { operators, settings, audience };
    return audience;
  }

  invalidate(): void {
    this.cached = undefined;
  }
}
