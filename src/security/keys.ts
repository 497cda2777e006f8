// Keys derived from SECRET_KEY, one per purpose, so no two uses share key material.
import { createHash, createHmac, hkdfSync } from 'node:crypto';

export type KeyPurpose = 'csrf' | 'secret-box' | 'lookup' | 'webhook' | 'fingerprint';

export class Keys {
  private readonly cache = new Map<KeyPurpose, Buffer>();

  constructor(private readonly secretKey: string) {}

  key(purpose: KeyPurpose): Buffer {
    let key = this.cache.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.secretKey, 'parley', purpose, 32));
      this.cache.set(purpose, key);
    }
    return key;
  }

  /**
   * Names SECRET_KEY without revealing it (SHA-256 of a key derived for this alone): a backup records it, and a
   * restore compares it with the configured key, since sealed secrets open only with the key that sealed them.
   */
  fingerprint(): string {
    return createHash('sha256').update(this.key('fingerprint')).digest('hex');
  }

  /** A keyed hash (HMAC-SHA256, hex) for looking up or binding values without storing them. */
  mac(purpose: KeyPurpose, value: string): string {
    return createHmac('sha256', this.key(purpose)).update(value).digest('hex');
  }
}
