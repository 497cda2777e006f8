// Encrypts stored secrets (bot tokens, MTProto session keys) with AES-256-GCM under a key derived from
// SECRET_KEY. The output is self-describing: `v1.<iv>.<tag>.<ciphertext>`, base64url.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keys } from './keys.js';

const VERSION = 'v1';

export class SecretBox {
  constructor(private readonly keys: Keys) {}

  seal(plaintext: string | Uint8Array): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.key('secret-box'), iv);
    const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), data].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  open(sealed: string): Buffer {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || data === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.keys.key('secret-box'), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    // A wrong SECRET_KEY fails here (authentication), never yields garbage.
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]);
  }

  openText(sealed: string): string {
    return this.open(sealed).toString('utf8');
  }
}
