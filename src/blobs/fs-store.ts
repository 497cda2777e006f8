// The BlobStore on a directory (MEDIA_DIR, by default DATA_DIR/media; in compose a volume every process mounts).
// Bytes are staged under tmp/ in the same directory, so the move to their address is one rename.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { addressOf, isBlobAddress, type BlobAddress, type BlobFile, type BlobStore, type StagedBlob, type StoredBlob } from './store.js';

const STAGING = 'tmp';
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

export class DirectoryBlobStore implements BlobStore {
  constructor(readonly dir: string) {}

  async stage(stream: Readable): Promise<StagedBlob> {
    const staging = path.join(this.dir, STAGING);
    await mkdir(staging, { recursive: true, mode: DIR_MODE });
    const stagedAt = path.join(staging, randomUUID());
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      // flush: the bytes are on disk before the rename makes them visible, so a crash never leaves half a file
      await pipeline(stream, meter, createWriteStream(stagedAt, { mode: FILE_MODE, flush: true }));
    } catch (error) {
      await rm(stagedAt, { force: true });
      throw error;
    }
    const sha256 = hash.digest('hex');
    return { address: addressOf(sha256), sha256, size, stagedAt };
  }

  async commit(staged: StagedBlob): Promise<void> {
    const target = this.file(staged.address);
    await mkdir(path.dirname(target), { recursive: true, mode: DIR_MODE });
    try {
      await rename(staged.stagedAt, target);
    } catch (error) {
      // committed before (a retried transaction, a repeated call): the blob is already at its address
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && (await this.has(staged.address))) return;
      throw error;
    }
  }

  async discard(staged: StagedBlob): Promise<void> {
    await rm(staged.stagedAt, { force: true });
  }

  async put(stream: Readable): Promise<StoredBlob> {
    const staged = await this.stage(stream);
    await this.commit(staged);
    return { address: staged.address, sha256: staged.sha256, size: staged.size };
  }

  async open(address: BlobAddress): Promise<BlobFile | undefined> {
    const file = this.file(address);
    let handle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    // size and bytes from one open file: a concurrent remove cannot split them
    const { size } = await handle.stat();
    return { stream: handle.createReadStream(), size };
  }

  async remove(address: BlobAddress): Promise<void> {
    await rm(this.file(address), { force: true });
  }

  async *addresses(): AsyncIterable<BlobAddress> {
    for (const first of await this.entries(this.dir)) {
      for (const second of await this.entries(path.join(this.dir, first))) {
        for (const name of await this.entries(path.join(this.dir, first, second))) {
          const address = `${first}/${second}/${name}`;
          if (isBlobAddress(address)) yield address;
        }
      }
    }
  }

  async has(address: BlobAddress): Promise<boolean> {
    return access(this.file(address)).then(
      () => true,
      () => false,
    );
  }

  /** Only well-formed addresses name a file: a bad value from the database can never reach outside the store. */
  private file(address: BlobAddress): string {
    if (!isBlobAddress(address)) throw new Error(`not a blob address: ${JSON.stringify(address)}`);
    return path.join(this.dir, address);
  }

  private async entries(dir: string): Promise<string[]> {
    try {
      return (await readdir(dir)).filter((name) => /^[0-9a-f]+$/.test(name)).sort();
    } catch (error) {
      if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return [];
      throw error;
    }
  }
}
