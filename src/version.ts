import { readFileSync } from 'node:fs';

/** The package version; the same relative path works from src/ (tests) and dist/ (built). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
