// Builds the web app into dist/web when it is missing or older than its sources (`npm run build`, `npm start`,
// and the browser tests call this). `--force` builds regardless.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_BUILD_DIR = path.join(ROOT, 'dist/web');
const STAMP = path.join(WEB_BUILD_DIR, '.sources-hash');
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

/** Returns whether it built. */
export async function buildWebIfStale(force = false): Promise<boolean> {
  const hash = sourcesHash();
  const current = existsSync(path.join(WEB_BUILD_DIR, 'index.html')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === hash;
  if (current && !force) return false;
  await build({ configFile: path.join(ROOT, 'web/vite.config.ts'), logLevel: 'warn' });
  writeFileSync(STAMP, hash);
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const built = await buildWebIfStale(process.argv.includes('--force'));
  process.stdout.write(built ? 'web app built into dist/web\n' : 'web app is up to date (dist/web)\n');
}
