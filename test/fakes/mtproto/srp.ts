// Server side of Telegram's 2FA SRP (https://core.telegram.org/api/srp), written independently of mtcute's
// client side so that a passing login proves mtcute's real computation against the protocol, not against itself.
import { createHash, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { tl } from '@mtcute/core';
import { randomLong } from '@mtcute/core/utils.js';

type Algo = tl.RawPasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow;

// Telegram's 2048-bit safe prime (the same one its DH exchange uses), with g = 3 as the server sends.
const P = BigInt(
  '0xC71CAEB9C6B1C9048E6C522F70F13F73980D40238E3E21C14934D037563D930F48198A0AA7C14058229493D22530F4DBFA336F6E' +
    '0AC925139543AED44CCE7C3720FD51F69458705AC68CD4FE6B6B13ABDC9746512969328454F18FAF8C595F642477FE96BB2A941D5B' +
    'CD1D4AC8CC49880708FA9B378E3C4F3A9060BEE67CF9A4A4A695811051907E162753B56B0F6B410DBA74D8A84B2A14B3144E0EF1284' +
    '754FD17ED950D5965B4B9DD46582DB1178D169C6BC465B0D6FF9CA3928FEF5B9AE4E418FC15E83EBEA0F87FA9FF5EED70050DED2849' +
    'F47BF959D956850CE929851F0D8115F635B105EE2E4E15D04B2454BF6F4FADF034B10403119CD8E3B92FCC5B',
);
const G = 3n;
const pbkdf2Async = promisify(pbkdf2);

const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
};
const toBig = (bytes: Uint8Array): bigint => BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
const toBytes = (n: bigint): Uint8Array => new Uint8Array(Buffer.from(n.toString(16).padStart(512, '0'), 'hex'));

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

async function passwordHash(password: string, salt1: Uint8Array, salt2: Uint8Array): Promise<bigint> {
  const sh = (data: Uint8Array, salt: Uint8Array): Uint8Array => sha256(salt, data, salt);
  const ph1 = sh(sh(new TextEncoder().encode(password), salt1), salt2);
  const slow = new Uint8Array(await pbkdf2Async(ph1, salt1, 100_000, 64, 'sha512'));
  return toBig(sh(slow, salt2));
}

interface Challenge {
  srpId: tl.Long;
  b: bigint;
  B: Uint8Array;
}

/** What Telegram stores for a 2FA password: the salts and the verifier v = g^x, never the password. */
export class SrpPassword {
  private challenge?: Challenge;

  private constructor(
    readonly algo: Algo,
    private readonly verifier: bigint,
  ) {}

  static async create(password: string): Promise<SrpPassword> {
    const algo: Algo = {
      _: 'passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow',
      salt1: new Uint8Array(randomBytes(40)),
      salt2: new Uint8Array(randomBytes(16)),
      g: Number(G),
      p: toBytes(P),
    };
    return new SrpPassword(algo, modPow(G, await passwordHash(password, algo.salt1, algo.salt2), P));
  }

  /** A fresh `srp_B` and `srp_id` for account.getPassword; B = k·v + g^b mod p. */
  newChallenge(): { srpId: tl.Long; srpB: Uint8Array } {
    const b = toBig(randomBytes(256));
    const k = toBig(sha256(this.algo.p, toBytes(G)));
    const B = toBytes((k * this.verifier + modPow(G, b, P)) % P);
    this.challenge = { srpId: randomLong(), b, B };
    return { srpId: this.challenge.srpId, srpB: B };
  }

  /** Checks the client's M1 against the last challenge; a challenge is good for one attempt. */
  verify(input: tl.TypeInputCheckPasswordSRP): 'ok' | 'SRP_ID_INVALID' | 'PASSWORD_HASH_INVALID' {
    const challenge = this.challenge;
    this.challenge = undefined;
    if (input._ !== 'inputCheckPasswordSRP' || !challenge || !input.srpId.eq(challenge.srpId)) return 'SRP_ID_INVALID';
    const gA = toBig(input.A);
    if (gA <= 1n || gA >= P - 1n) return 'PASSWORD_HASH_INVALID';
    const A = toBytes(gA);
    const u = toBig(sha256(A, challenge.B));
    const S = modPow((gA * modPow(this.verifier, u, P)) % P, challenge.b, P);
    const K = sha256(toBytes(S));
    const hp = sha256(this.algo.p);
    const hg = sha256(toBytes(G));
    const pXorG = hp.map((byte, i) => byte ^ (hg[i] ?? 0));
    const expected = sha256(pXorG, sha256(this.algo.salt1), sha256(this.algo.salt2), A, challenge.B, K);
    return Buffer.from(expected).equals(Buffer.from(input.M1)) ? 'ok' : 'PASSWORD_HASH_INVALID';
  }
}
