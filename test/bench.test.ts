// `npm run bench` end to end at its smallest size: the harness starts Parley and the baseline in their own
// processes, posts webhook updates, and proves afterwards that every accepted update was stored exactly once.
// No timing is asserted: only that each side measured something and that the table was written.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from './support/temp-dirs.js';

const newDir = tempDirs('bench');

function runBench(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

describe('npm run bench', () => {
  it('measures bot webhook ingest of Parley and of the baseline, each in its own process, and verifies exactly once', { timeout: 180_000 }, async () => {
    const out = path.join(newDir(), 'bench.json');
    const { code, output } = await runBench(['ingest'], { BENCH_SIZE: 'tiny', BENCH_STACKS: 'sqlite', BENCH_OUT: out });
    expect(code, output).toBe(0);

    const { figures, notes } = JSON.parse(readFileSync(out, 'utf8')) as {
      figures: { suite: string; stack: string; name: string; value: number; baseline?: { value: number }; ratio?: number; exactlyOnce?: boolean; spread?: { repeats: number } }[];
      notes: { text: string }[];
    };
    expect(figures).toHaveLength(1);
    const [webhook] = figures;
    expect(webhook).toMatchObject({ suite: 'ingest', stack: 'sqlite', name: 'bot webhook ingest (HTTP)', exactlyOnce: true, spread: { repeats: 3 } });
    expect(webhook?.value).toBeGreaterThan(0);
    expect(webhook?.baseline?.value).toBeGreaterThan(0);
    expect(webhook?.ratio).toBeGreaterThan(0);
    // Both sides were counted: what was answered 200 is what the database holds.
    expect(notes.filter((note) => note.text.includes('exactly once: verified'))).toHaveLength(2);
    expect(output).toMatch(/ingest +\| sqlite +\| bot webhook ingest \(HTTP\)/);
  });
});
