// The `parley` CLI for child processes in tests: src/cli/main.ts bundled once by esbuild (our code in one file,
// packages left to node_modules). The same code as `npm run build` compiles, but a child starts in well under a
// second instead of tsx transpiling the whole app again in every child (3 s idle, 20 s and more on a busy machine).
import { renameSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

// One level below the root, as src/version.ts expects of the file it is compiled into (it reads ../package.json).
export const CLI_BUNDLE = fileURLToPath(new URL('../../dist/parley-test-cli.mjs', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export async function bundleCli(): Promise<void> {
  const temporary = `${CLI_BUNDLE}.${process.pid}.tmp`;
  await build({
    entryPoints: [MAIN],
    outfile: temporary,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  renameSync(temporary, CLI_BUNDLE); // several test runs may bundle at once: each file appears whole
}
