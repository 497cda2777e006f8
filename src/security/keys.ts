// Keys derived from SECRET_KEY, one per purpose, so no two uses share key material.
import { createHmac, hkdfSync } from 'node:crypto';

export type KeyPurpose = 'csrf' | 'secret-box' | 'lookup' | 'webhook';

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

  /** A keyed hash (HMAC-SHA256, hex) for looking up or binding values without storing them. */
  mac(purpose: KeyPurpose, value: string): string {
    return createHmac('sha256', this.key(purpose)).update(value).digest('hex');
  }
}
