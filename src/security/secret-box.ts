// Encrypts stored secrets (bot tokens, MTProto session keys) with AES-256-GCM under a key derived from
// SECRET_KEY. The output is self-describing: `v2.<iv>.<tag>.<ciphertext>`, base64url. Each value is bound to
// the row and column it is stored in (associated data), so a value copied into another row does not open.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keys } from './keys.js';

/** Where a sealed value lives: its table, its column and its row's key. */
export interface SealedField {
  table: string;
  column: string;
  id: string | number;
}

const VERSION = 'v2';
/** Sealed before values were bound to their rows; opened only to be resealed (see `reseal`). */
const LEGACY_VERSION = 'v1';
const TAG_BYTES = 16;
const IV_BYTES = 12;

export class SecretBox {
  constructor(private readonly keys: Keys) {}

  seal(plaintext: string | Uint8Array, field: SealedField): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.key('secret-box'), iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(field));
    const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), data].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  open(sealed: string, field: SealedField): Buffer {
    return this.decrypt(sealed, VERSION, associatedData(field));
  }

  openText(sealed: string, field: SealedField): string {
    return this.open(sealed, field).toString('utf8');
  }

  /** A value sealed before binding, sealed again for its field; null when it is already current. */
  reseal(sealed: string, field: SealedField): string | null {
    if (!sealed.startsWith(`${LEGACY_VERSION}.`)) return null;
    return this.seal(this.decrypt(sealed, LEGACY_VERSION, null), field);
  }

  private decrypt(sealed: string, version: string, aad: Buffer | null): Buffer {
    const [prefix, iv, tag, data, extra] = sealed.split('.');
    if (prefix !== version || !iv || !tag || data === undefined || extra !== undefined) throw new Error('not a sealed secret');
    const ivBytes = Buffer.from(iv, 'base64url');
    const tagBytes = Buffer.from(tag, 'base64url');
    // GCM accepts tags down to 4 bytes, which are forgeable: only the full tag counts.
    if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.keys.key('secret-box'), ivBytes, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tagBytes);
    if (aad) decipher.setAAD(aad);
    // A wrong SECRET_KEY or another row's value fails here (authentication), never yields garbage.
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]);
  }
}

function associatedData({ table, column, id }: SealedField): Buffer {
  return Buffer.from(JSON.stringify(['parley', table, column, String(id)]));
}
