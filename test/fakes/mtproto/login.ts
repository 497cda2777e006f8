// The login state machine: phone code, 2FA password over SRP, and QR login tokens.
import { randomBytes } from 'node:crypto';
import type { tl } from '@mtcute/core';
import { rpcError } from './faults.js';
import type { HandlerTable, Session } from './handlers.js';
import { SrpPassword } from './srp.js';
import type { TelegramState } from './state.js';
import { unixNow } from './tl-builders.js';

interface PendingCode {
  phone: string;
  hash: string;
  code: string;
  expired: boolean;
}

interface LoginToken {
  session: Session;
  scanned: boolean;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

export class LoginFlow {
  /** The code the next auth.sendCode "delivers"; tests read it as a user reads the SMS. */
  code = '12345';
  private pending?: PendingCode;
  private password?: Promise<SrpPassword>;
  private hint?: string;
  private readonly tokens = new Map<string, LoginToken>();

  constructor(
    private readonly state: TelegramState,
    private readonly notify: (session: Session, updates: tl.TypeUpdates) => void,
  ) {}

  /** Turns 2FA on (or off with `undefined`); the server keeps only the SRP verifier. */
  setPassword(password: string | undefined, hint?: string): void {
    this.password = password === undefined ? undefined : SrpPassword.create(password);
    this.hint = hint;
  }

  /** Makes the code sent last unusable, as when its lifetime is over. */
  expireCode(): void {
    if (this.pending) this.pending.expired = true;
  }

  /** The owner scans the QR code shown last: the exporting client gets updateLoginToken. */
  scanQrCode(): void {
    const entry = [...this.tokens.values()].at(-1);
    if (!entry) throw new Error('no login token was exported');
    entry.scanned = true;
    this.notify(entry.session, { _: 'updateShort', update: { _: 'updateLoginToken' }, date: unixNow() });
  }

  private sentCode(type: tl.auth.TypeSentCodeType): tl.auth.RawSentCode {
    if (!this.pending) throw rpcError('PHONE_CODE_EXPIRED');
    return { _: 'auth.sentCode', type, phoneCodeHash: this.pending.hash, nextType: { _: 'auth.codeTypeSms' }, timeout: 60 };
  }

  /** The code is right: either the session is in, or it still needs the 2FA password. */
  private authorize(session: Session): tl.auth.RawAuthorization {
    if (this.password) {
      session.passwordPending = true;
      throw rpcError('SESSION_PASSWORD_NEEDED');
    }
    session.userId = this.state.owner.id;
    session.passwordPending = false;
    return { _: 'auth.authorization', user: this.state.owner };
  }

  handlers(): HandlerTable {
    return {
      'auth.sendCode': (req) => {
        if (!/^\+?\d{7,15}$/.test(req.phoneNumber)) throw rpcError('PHONE_NUMBER_INVALID');
        this.pending = { phone: req.phoneNumber, hash: hex(randomBytes(8)), code: this.code, expired: false };
        return this.sentCode({ _: 'auth.sentCodeTypeApp', length: this.code.length });
      },
      'auth.resendCode': (req) => {
        if (!this.pending || this.pending.hash !== req.phoneCodeHash || this.pending.expired) throw rpcError('PHONE_CODE_EXPIRED');
        this.pending.code = this.code;
        return this.sentCode({ _: 'auth.sentCodeTypeSms', length: this.code.length });
      },
      'auth.signIn': (req, session) => {
        const pending = this.pending;
        if (!pending || pending.hash !== req.phoneCodeHash || pending.phone !== req.phoneNumber || pending.expired) {
          throw rpcError('PHONE_CODE_EXPIRED');
        }
        if (req.phoneCode !== pending.code) throw rpcError('PHONE_CODE_INVALID');
        this.pending = undefined;
        if (req.phoneNumber.replace('+', '') !== this.state.owner.phone) return { _: 'auth.authorizationSignUpRequired' };
        return this.authorize(session);
      },
      'account.getPassword': async () => {
        if (!this.password) return this.passwordInfo();
        const srp = await this.password;
        return { ...this.passwordInfo(), hasPassword: true, currentAlgo: srp.algo, ...srp.newChallenge(), hint: this.hint };
      },
      'auth.checkPassword': async (req, session) => {
        if (!this.password || !session.passwordPending) throw rpcError('PASSWORD_HASH_INVALID');
        const verdict = (await this.password).verify(req.password);
        if (verdict !== 'ok') throw rpcError(verdict);
        session.userId = this.state.owner.id;
        session.passwordPending = false;
        return { _: 'auth.authorization', user: this.state.owner };
      },
      'auth.exportLoginToken': (_req, session) => this.exportToken(session),
      'auth.importLoginToken': (req, session) => {
        const entry = this.tokens.get(hex(req.token));
        if (!entry || !entry.scanned) throw rpcError('AUTH_TOKEN_INVALID');
        return { _: 'auth.loginTokenSuccess', authorization: this.authorize(session) };
      },
      'auth.logOut': (_req, session) => {
        session.userId = undefined;
        return { _: 'auth.loggedOut' };
      },
    };
  }

  private exportToken(session: Session): tl.auth.TypeLoginToken {
    const scanned = [...this.tokens].find(([, t]) => t.session === session && t.scanned);
    if (scanned) {
      this.tokens.delete(scanned[0]);
      return { _: 'auth.loginTokenSuccess', authorization: this.authorize(session) };
    }
    const token = new Uint8Array(randomBytes(16));
    this.tokens.set(hex(token), { session, scanned: false });
    return { _: 'auth.loginToken', token, expires: unixNow() + 30 };
  }

  private passwordInfo(): tl.account.RawPassword {
    return {
      _: 'account.password',
      newAlgo: { _: 'passwordKdfAlgoUnknown' },
      newSecureAlgo: { _: 'securePasswordKdfAlgoUnknown' },
      secureRandom: new Uint8Array(randomBytes(32)),
    };
  }
}
