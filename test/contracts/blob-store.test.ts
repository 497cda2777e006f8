// The BlobStore contract (src/blobs/store.ts), run on two instances sharing one store, as two Parley processes
// share MEDIA_DIR: one writes, the other reads. Then what the directory implementation adds: owner-only modes.
import { createHash, randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { DirectoryBlobStore } from '../../src/blobs/fs-store.js';
import { addressOf, type BlobStore } from '../../src/blobs/store.js';
import { tempDirs } from '../support/temp-dirs.js';

interface StoreKind {
  name: string;
  /** A writer and a reader on the same store. */
  deploy(): { writer: BlobStore; reader: BlobStore };
}

const newDir = tempDirs('blobs');

const kinds: StoreKind[] = [
  {
    name: 'DirectoryBlobStore',
    deploy() {
      const dir = path.join(newDir(), 'media');
      return { writer: new DirectoryBlobStore(dir), reader: new DirectoryBlobStore(dir) };
    },
  },
];

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function bytesOf(store: BlobStore, address: string): Promise<Buffer | undefined> {
  const file = await store.open(address);
  if (!file) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of file.stream) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  expect(file.size).toBe(bytes.length);
  return bytes;
}

async function listed(store: BlobStore): Promise<string[]> {
  const addresses: string[] = [];
  for await (const address of store.addresses()) addresses.push(address);
  return addresses;
}

/** A stream that yields some bytes, then fails (a client that went away mid-upload). */
function brokenStream(): Readable {
  return Readable.from(
    (async function* () {
      yield randomBytes(1000);
      throw new Error('connection reset');
    })(),
  );
}

describe.each(kinds)('$name', (kind) => {
  it('a blob put by one process is read by another: same bytes, at the address of its content', async () => {
    const { writer, reader } = kind.deploy();
    const bytes = randomBytes(300_000);
    const stored = await writer.put(Readable.from([bytes]));
    expect(stored).toEqual({ address: addressOf(sha256(bytes)), sha256: sha256(bytes), size: bytes.length });
    expect(await reader.has(stored.address)).toBe(true);
    expect((await bytesOf(reader, stored.address))?.equals(bytes)).toBe(true);
    expect(await listed(reader)).toEqual([stored.address]);
  });

  it('puts are idempotent: the same bytes from both processes at once leave one blob', async () => {
    const { writer, reader } = kind.deploy();
    const bytes = randomBytes(200_000);
    const results = await Promise.all([writer.put(Readable.from([bytes])), reader.put(Readable.from([bytes])), writer.put(Readable.from([bytes]))]);
    expect(new Set(results.map((r) => r.address)).size).toBe(1);
    expect((await bytesOf(reader, results[0]!.address))?.equals(bytes)).toBe(true);
    expect(await listed(writer)).toEqual([results[0]!.address]);
  });

  it('staged bytes are invisible until committed; committing twice is harmless; discarding leaves nothing', async () => {
    const { writer, reader } = kind.deploy();
    const kept = randomBytes(50_000);
    const staged = await writer.stage(Readable.from([kept]));
    expect(await reader.has(staged.address)).toBe(false);
    expect(await reader.open(staged.address)).toBeUndefined();
    expect(await listed(reader)).toEqual([]);
    await writer.commit(staged);
    await writer.commit(staged); // a retried transaction commits again
    await writer.discard(staged); // and the cleanup after the answer finds nothing to remove
    expect((await bytesOf(reader, staged.address))?.equals(kept)).toBe(true);

    const dropped = await writer.stage(Readable.from([randomBytes(10_000)]));
    await writer.discard(dropped);
    expect(await reader.has(dropped.address)).toBe(false);
    expect(await listed(reader)).toEqual([staged.address]);
  });

  it('a stream that fails midway leaves no blob and rejects the put', async () => {
    const { writer, reader } = kind.deploy();
    await expect(writer.put(brokenStream())).rejects.toThrow('connection reset');
    await expect(writer.stage(brokenStream())).rejects.toThrow('connection reset');
    expect(await listed(reader)).toEqual([]);
  });

  it('remove makes a blob unreadable everywhere; removing or opening a missing blob is not an error', async () => {
    const { writer, reader } = kind.deploy();
    const bytes = Buffer.from('to be forgotten');
    const { address } = await writer.put(Readable.from([bytes]));
    expect(await text((await reader.open(address))!.stream)).toBe('to be forgotten');
    await reader.remove(address);
    expect(await writer.has(address)).toBe(false);
    expect(await writer.open(address)).toBeUndefined();
    await writer.remove(address);
    expect(await listed(writer)).toEqual([]);
  });
});

describe('DirectoryBlobStore on disk', () => {
  it("keeps customers' files to Parley's user: files 0600, directories 0700, nothing left in staging", async () => {
    const dir = path.join(newDir(), 'media');
    const store = new DirectoryBlobStore(dir);
    const { address } = await store.put(Readable.from([randomBytes(1000)]));
    const upload = await store.stage(Readable.from([randomBytes(1000)]));
    await store.commit(upload);
    expect(statSync(path.join(dir, address)).mode & 0o777).toBe(0o600);
    for (const sub of [dir, path.join(dir, address.slice(0, 2)), path.join(dir, address.slice(0, 5)), path.join(dir, 'tmp')]) {
      expect(statSync(sub).mode & 0o777).toBe(0o700);
    }
    expect(await readdir(path.join(dir, 'tmp'))).toEqual([]);
  });

  it('a value that is not a content address never names a file (a bad database value cannot reach outside)', async () => {
    const store = new DirectoryBlobStore(path.join(newDir(), 'media'));
    for (const bad of ['../../etc/passwd', `ab/cd/${'0'.repeat(64)}`, '/etc/passwd', 'tmp/x']) {
      await expect(store.open(bad)).rejects.toThrow('not a blob address');
      await expect(store.remove(bad)).rejects.toThrow('not a blob address');
    }
  });
});
