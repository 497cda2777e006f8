// Temporary directories a test file makes as it goes, all removed after its tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/** Returns a maker of fresh directories named `parley-<name>-…`; call at the top level of a test file. */
export function tempDirs(name: string): () => string {
  const made: string[] = [];
  afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  return () => {
    const dir = mkdtempSync(path.join(tmpdir(), `parley-${name}-`));
    made.push(dir);
    return dir;
  };
}
