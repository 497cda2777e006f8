// What every benchmark suite hands back: figures, each beside the same run's baseline, and notes. `npm run bench`
// prints them and docs/benchmarks.md keeps them. A suite measures; it never decides pass or fail.

export interface Stack {
  name: 'sqlite' | 'mysql+redis';
  /** Set on 'mysql+redis': the server to create a fresh database on. */
  mysqlUrl?: string;
  redisUrl?: string;
}

export interface Figure {
  /** The suite's name, e.g. 'ingest', 'fan-out', 'lists', 'rss'. */
  suite: string;
  /** What was measured, e.g. 'bot webhook ingest (HTTP)'. */
  name: string;
  value: number;
  /** 'msg/s', 'req/s', 'ms', 'MB'. */
  unit: string;
  /** The same run's baseline, measured in its own process. */
  baseline?: { name: string; value: number };
  /** The goal in words, e.g. '≥ 0.5× baseline' or 'p99 < 50 ms'. */
  goal?: string;
  /** Whether this figure meets its goal (left out when there is none). */
  met?: boolean;
  /** Where `value` is the median of repeats: how many, and the smallest and largest. */
  spread?: { repeats: number; min: number; max: number };
  /** For ingest figures: whether every update sent was found stored exactly once afterwards. */
  exactlyOnce?: boolean;
}

export interface Report {
  add(figure: Figure): void;
  /** A line of context: sizes, repeats, what limits a figure. */
  note(suite: string, text: string): void;
}

export type Suite = (stack: Stack, report: Report) => Promise<void>;
