// Where `--cpu-prof` profiles end up: bench/profiles/<suite>-<stack>-<time>/ (the database's folder is deleted).
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const ROOT = fileURLToPath(new URL('../profiles/', import.meta.url));

export function keepProfile(dir: string, name: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const target = path.join(ROOT, `${name.replace(/[^a-z0-9-]+/gi, '-')}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(target, { recursive: true });
  cpSync(dir, target, { recursive: true });
  return target;
}
