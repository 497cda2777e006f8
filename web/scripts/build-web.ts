// Builds the web app into dist/web when it is missing or older than its sources (`npm run build`, `npm start`,
// and the browser tests call this). `--force` builds regardless.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_BUILD_DIR = path.join(ROOT, 'dist/web');
const STAMP_FILE = '.sources-hash';
const INPUTS = ['web/src', 'web/index.html', 'web/vite.config.ts', 'web/tsconfig.json', 'package-lock.json'];

function files(relative: string): string[] {
  const full = path.join(ROOT, relative);
  if (!statSync(full).isDirectory()) return [relative];
  return readdirSync(full)
    .sort()
    .flatMap((name) => files(path.join(relative, name)));
}

/** A hash of every input's path and content: a checkout that changes nothing does not rebuild. */
function sourcesHash(): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap(files)) hash.update(file).update('\0').update(readFileSync(path.join(ROOT, file)));
  return hash.digest('hex');
}

/** Returns whether it built. `outDir` is for tests that must not replace the app another test is serving. */
export async function buildWebIfStale(options: { force?: boolean; outDir?: string } = {}): Promise<boolean> {
  const outDir = options.outDir ?? WEB_BUILD_DIR;
  const stamp = path.join(outDir, STAMP_FILE);
  const hash = sourcesHash();
  const current = existsSync(path.join(outDir, 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash;
  if (current && !options.force) return false;
  // Vite takes the mode of React and JSX from NODE_ENV when it is set (vitest sets it to `test`).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: path.join(ROOT, 'web/vite.config.ts'), mode: 'production', logLevel: 'warn', build: { outDir } });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  writeFileSync(stamp, hash);
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const built = await buildWebIfStale({ force: process.argv.includes('--force') });
  process.stdout.write(built ? 'web app built into dist/web\n' : 'web app is up to date (dist/web)\n');
}
