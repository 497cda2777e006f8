// What a `npm run bench` run was asked for: which suites, how big, and whether to profile the Parley child.
// `npm run bench -- ingest fanout --cpu-prof`; BENCH_QUICK=1 for the ~2-minute smoke run; BENCH_SIZE=tiny for the
// harness test; BENCH_STACKS=sqlite to leave out MySQL + Redis; BENCH_OUT=file.json for the table as JSON.
import { parseArgs } from 'node:util';

export type SizeName = 'full' | 'quick' | 'tiny';

export interface Sizes {
  /** Measured runs per figure (the median is the figure, min–max its spread). */
  repeats: number;
  /** Seconds of load discarded before the repeats (JIT, caches, pools). */
  warmupSeconds: number;
  /** Seconds of closed-loop load per ingest repeat. */
  ingestSeconds: number;
  /** Requests in flight for ingest. */
  concurrency: number;
  bots: number;
  customers: number;
  /** Updates in each polling repeat's backlog. */
  pollingBacklog: number;
  operators: number;
  admins: number;
  /** Offered fan-out load (msg/s, open loop) and seconds per repeat. */
  fanoutRate: number;
  fanoutSeconds: number;
  /** Operators connected in the small-team half of the fan-out cost figure. */
  smallTeam: number;
  costRate: number;
}

const SIZES: Record<SizeName, Sizes> = {
  full: {
    repeats: 3, warmupSeconds: 3, ingestSeconds: 5, concurrency: 32, bots: 10, customers: 2000,
    pollingBacklog: 10_000, operators: 1000, admins: 5, fanoutRate: 1000, fanoutSeconds: 5, smallTeam: 10, costRate: 300,
  },
  quick: {
    repeats: 3, warmupSeconds: 1, ingestSeconds: 1.5, concurrency: 32, bots: 4, customers: 500,
    pollingBacklog: 2000, operators: 1000, admins: 5, fanoutRate: 1000, fanoutSeconds: 2, smallTeam: 10, costRate: 300,
  },
  tiny: {
    repeats: 3, warmupSeconds: 0.3, ingestSeconds: 0.4, concurrency: 8, bots: 2, customers: 20,
    pollingBacklog: 100, operators: 12, admins: 1, fanoutRate: 50, fanoutSeconds: 0.5, smallTeam: 2, costRate: 50,
  },
};

export interface Options {
  suites: string[];
  cpuProf: boolean;
  size: SizeName;
  sizes: Sizes;
  stacks: string[];
  out: string | undefined;
}

export function readOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { 'cpu-prof': { type: 'boolean', default: false } } });
  const size: SizeName = env.BENCH_SIZE === 'tiny' ? 'tiny' : env.BENCH_QUICK === '1' || env.BENCH_SIZE === 'quick' ? 'quick' : 'full';
  return {
    suites: positionals,
    cpuProf: values['cpu-prof'] ?? false,
    size,
    sizes: SIZES[size],
    stacks: (env.BENCH_STACKS ?? 'sqlite,mysql+redis').split(',').map((name) => name.trim()),
    out: env.BENCH_OUT,
  };
}

/** This run's options, read once from the command line and the environment. */
export const options: Options = readOptions(process.argv.slice(2), process.env);
