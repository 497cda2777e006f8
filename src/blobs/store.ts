// The BlobStore seam: where media files (customers' downloads, operators' uploads) live, by content address.
import type { Readable } from 'node:stream';

/**
 * A blob's place in the store: `ab/cd/<sha256 hex>`, a function of its content alone. Media rows keep it
 * (`media.path`), so the same string finds the file in every process and in a restored backup.
 */
export type BlobAddress = string;

const ADDRESS = /^([0-9a-f]{2})\/([0-9a-f]{2})\/([0-9a-f]{64})$/;

export function addressOf(sha256: string): BlobAddress {
  return `${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
}

/** Whether `value` is a well-formed address (what the database holds is still checked before it names a file). */
export function isBlobAddress(value: string): boolean {
  const match = ADDRESS.exec(value);
  return match !== null && match[3]?.slice(0, 2) === match[1] && match[3]?.slice(2, 4) === match[2];
}

/** Bytes received and hashed, not yet at their address (no reader can see them). */
export interface StagedBlob {
  readonly address: BlobAddress;
  readonly sha256: string;
  readonly size: number;
  /** The implementation's handle on the staged bytes. */
  readonly stagedAt: string;
}

export interface StoredBlob {
  address: BlobAddress;
  sha256: string;
  size: number;
}

export interface BlobFile {
  stream: Readable;
  size: number;
}

/**
 * Content-addressed storage of media, shared by every Parley process of a deployment.
 *
 * Rules every implementation keeps:
 * - A put is atomic: a blob appears at its address whole or not at all; readers never see part of one.
 * - Puts are idempotent: putting the same bytes again (from any process, at the same time or later) leaves
 *   one blob at the same address; committing a staged blob a second time is harmless.
 * - Readable by every process: once `commit`/`put` resolves, `open` finds the blob in any process using the
 *   same store (a shared directory in compose), and a restored backup is such a store.
 * - A blob is put before the database row that names it commits, so a row never points at nothing; a blob no
 *   row names any more is removed with `remove` (retention), and an unreferenced blob is harmless.
 * - Blobs hold customers' files: the implementation keeps them readable by Parley's user only.
 */
export interface BlobStore {
  /** Receives a stream into a private place while hashing it; `commit` or `discard` it afterwards. */
  stage(stream: Readable): Promise<StagedBlob>;
  /** Moves staged bytes to their address (atomically; the same content already there stays). */
  commit(staged: StagedBlob): Promise<void>;
  /** Forgets staged bytes that will not be committed (nothing happens if they were committed). */
  discard(staged: StagedBlob): Promise<void>;
  /** `stage` then `commit`. */
  put(stream: Readable): Promise<StoredBlob>;
  /** The blob at `address`, or undefined when there is none. */
  open(address: BlobAddress): Promise<BlobFile | undefined>;
  /** Whether a blob is at `address` now. */
  has(address: BlobAddress): Promise<boolean>;
  /** Removes the blob at `address` (nothing happens when there is none). */
  remove(address: BlobAddress): Promise<void>;
  /** Every address holding a blob now (for backups). */
  addresses(): AsyncIterable<BlobAddress>;
}
