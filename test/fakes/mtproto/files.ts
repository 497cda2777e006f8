// Bytes behind photos and documents (served by upload.getFile) and files clients upload part by part.
import { Long, type tl } from '@mtcute/core';
import { rpcError } from './faults.js';
import type { HandlerTable } from './handlers.js';

export interface Upload {
  fileId: string;
  parts: Map<number, Uint8Array>;
  totalParts?: number;
  big: boolean;
}

export class FileStore {
  /** Media objects by id, so a client can re-send a photo or document it received (inputMediaPhoto). */
  readonly photos = new Map<string, tl.RawPhoto>();
  readonly documents = new Map<string, tl.RawDocument>();
  private readonly served = new Map<string, Uint8Array>();
  private readonly uploads = new Map<string, Upload>();
  private nextId = 5_000_000;

  /** Registers bytes under a new photo/document id and returns that id. */
  serve(bytes: Uint8Array): Long {
    const id = Long.fromNumber(this.nextId++);
    this.served.set(id.toString(), bytes);
    return id;
  }

  bytesOf(id: Long): Uint8Array | undefined {
    return this.served.get(id.toString());
  }

  savePart(fileId: Long, part: number, bytes: Uint8Array, totalParts?: number): void {
    const key = fileId.toString();
    const upload: Upload = this.uploads.get(key) ?? { fileId: key, parts: new Map(), big: totalParts !== undefined };
    upload.parts.set(part, bytes);
    upload.totalParts = totalParts ?? upload.totalParts;
    this.uploads.set(key, upload);
  }

  /** Reassembles an uploaded file the way Telegram does when the file is used in a request. */
  assemble(file: tl.TypeInputFile): Uint8Array {
    if (file._ === 'inputFileStoryDocument') throw rpcError('FILE_PARTS_INVALID');
    const upload = this.uploads.get(file.id.toString());
    if (!upload) throw rpcError('FILE_PARTS_INVALID');
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < file.parts; i++) {
      const part = upload.parts.get(i);
      if (!part) throw rpcError(`FILE_PART_${i}_MISSING`);
      chunks.push(part);
    }
    return new Uint8Array(Buffer.concat(chunks));
  }

  /** Every upload in arrival order, for assertions on what a client sent. */
  allUploads(): Upload[] {
    return [...this.uploads.values()];
  }

  getFile(req: tl.upload.RawGetFileRequest): tl.upload.RawFile {
    const bytes = this.bytesOf(locationId(req.location));
    if (!bytes) throw rpcError('FILE_REFERENCE_EXPIRED');
    return {
      _: 'upload.file',
      type: { _: 'storage.filePartial' },
      mtime: 0,
      bytes: bytes.subarray(req.offset, req.offset + req.limit),
    };
  }
}

function locationId(location: tl.TypeInputFileLocation): Long {
  switch (location._) {
    case 'inputPhotoFileLocation':
    case 'inputDocumentFileLocation':
      return location.id;
    default:
      throw rpcError('LOCATION_INVALID');
  }
}

export function fileHandlers(files: FileStore): HandlerTable {
  return {
    'upload.saveFilePart': (req) => {
      files.savePart(req.fileId, req.filePart, req.bytes);
      return true;
    },
    'upload.saveBigFilePart': (req) => {
      files.savePart(req.fileId, req.filePart, req.bytes, req.fileTotalParts);
      return true;
    },
    'upload.getFile': (req) => files.getFile(req),
  };
}
