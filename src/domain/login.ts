// Where a personal account's login stands, as admins see it (REST answers and account.updated frames).
import type { AccountId } from './ids.js';

export type LoginState = 'code_sent' | 'password_needed' | 'qr' | 'active' | 'failed';

export interface LoginProgress {
  accountId: AccountId;
  state: LoginState;
  /** How Telegram delivered the code: app, sms, call, flash_call, email… */
  codeType: string | null;
  /** How `resend_code` would deliver it next, if Telegram offers another way. */
  nextCodeType: string | null;
  /** Seconds before the code can be sent again another way. */
  timeoutSeconds: number | null;
  passwordHint: string | null;
  /** A `tg://login?token=…` link to show as a QR code; replaced until it is scanned. */
  qrUrl: string | null;
  qrExpiresAt: Date | null;
  /** Why a QR login ended without success. */
  error: string | null;
}

export function loginProgress(accountId: AccountId, state: LoginState, details: Partial<Omit<LoginProgress, 'accountId' | 'state'>> = {}): LoginProgress {
  return {
    accountId,
    state,
    codeType: null,
    nextCodeType: null,
    timeoutSeconds: null,
    passwordHint: null,
    qrUrl: null,
    qrExpiresAt: null,
    error: null,
    ...details,
  };
}
