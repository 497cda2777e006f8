// What backup and restore share: directories that must be empty, and copying blobs from one store to another.
import { access, chmod, mkdir, readdir } from 'node:fs/promises';
import type { BlobAddress, BlobStore } from '../blobs/store.js';
import { BackupRefused } from './manifest.js';

/** Refuses a `dir` holding anything but `allowed` entries; a missing one is fine. */
export async function requireEmptyDir(dir: string, what: string, allowed: string[] = []): Promise<void> {
  let entries: string[] = [];
  try {
    entries = await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new BackupRefused(`${what} ${dir} is not a directory`);
    if (code !== 'ENOENT') throw error;
  }
  const found = entries.filter((name) => !allowed.includes(name));
  if (found.length > 0) {
    throw new BackupRefused(`${what} ${dir} is not empty (it holds ${found.slice(0, 3).join(', ')}${found.length > 3 ? ', …' : ''}): give an empty one`);
  }
}

/** Creates `dir`, or restricts an existing one, owner-only: it will hold customers' data. */
export async function makePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

export async function requireAbsent(file: string, what: string): Promise<void> {
  if (await exists(file)) throw new BackupRefused(`${what} ${file} exists already: restore into a new one`);
}

export function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

export interface CopiedBlobs {
  copied: Set<BlobAddress>;
  bytes: number;
  /** Addresses the source had no blob for. */
  missing: BlobAddress[];
}

/** Copies each blob, checking that its bytes still hash to its address (a damaged file is an error, not a copy). */
export async function copyBlobs(from: BlobStore, to: BlobStore, addresses: Iterable<BlobAddress> | AsyncIterable<BlobAddress>): Promise<CopiedBlobs> {
  const result: CopiedBlobs = { copied: new Set(), bytes: 0, missing: [] };
  for await (const address of addresses) {
    const file = await from.open(address);
    if (!file) {
      result.missing.push(address);
      continue;
    }
    const staged = await to.stage(file.stream);
    if (staged.address !== address) {
      await to.discard(staged);
      throw new Error(`the media file ${address} is damaged: its bytes hash to ${staged.sha256}`);
    }
    await to.commit(staged);
    result.copied.add(address);
    result.bytes += staged.size;
  }
  return result;
}
