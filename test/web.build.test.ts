// The web app's build: production React whatever NODE_ENV the caller has (vitest sets `test`), within the
// first-load budget, and rebuilt only when its sources change.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWebIfStale } from '../web/scripts/build-web.js';

const FIRST_LOAD_BUDGET_BYTES = 250 * 1024;

// Its own folder: the browser stories serve dist/web meanwhile.
const outDir = mkdtempSync(path.join(tmpdir(), 'parley-web-build-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('the web app build', () => {
  it('builds a production bundle under the first-load budget, and skips the build when nothing changed', async () => {
    await buildWebIfStale({ force: true, outDir });
    const index = readFileSync(path.join(outDir, 'index.html'), 'utf8');
    const scripts = [...index.matchAll(/<script type="module" crossorigin src="\/assets\/([\w.-]+\.js)"><\/script>/g)].map((m) => m[1] ?? '');
    expect(scripts).toHaveLength(1);
    expect(index).not.toMatch(/<script>|<script type="module">|\sstyle="/);
    const code = readFileSync(path.join(outDir, 'assets', scripts[0] ?? ''));
    expect(code.includes('jsxDEV'), 'the bundle holds the development build of React').toBe(false);
    expect(gzipSync(code).length).toBeLessThan(FIRST_LOAD_BUDGET_BYTES);

    const before = statSync(path.join(outDir, 'index.html')).mtimeMs;
    expect(await buildWebIfStale({ outDir })).toBe(false);
    expect(statSync(path.join(outDir, 'index.html')).mtimeMs).toBe(before);
    expect(readdirSync(path.join(outDir, 'assets')).some((name) => name.endsWith('.css'))).toBe(true);
  }, 120_000);
});
