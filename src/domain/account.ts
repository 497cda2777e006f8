import type { AccountId, ExternalId } from './ids.js';

export const ACCOUNT_TYPES = ['bot', 'user', 'simulator'] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

export const ACCOUNT_STATUSES = [
  'stopped',
  'connecting',
  'active',
  'login_pending',
  'flood_wait',
  'needs_reauth',
  'error',
] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** What an admin asked for; the reconciler makes the status follow it. */
export type DesiredState = 'running' | 'stopped';

export interface Account {
  id: AccountId;
  type: AccountType;
  title: string;
  status: AccountStatus;
  statusReason: string | null;
  statusUntil: Date | null;
  desiredState: DesiredState;
  externalId: ExternalId | null;
  username: string | null;
  phone: string | null;
  settings: AccountSettings;
  /** Updates from Telegram that could never be stored (malformed, refused by the database) and were skipped. */
  skippedUpdates: number;
  /** A personal account's history import after a login: chats done of the total (done = total once finished). */
  historyImport: HistoryImportProgress | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

export interface HistoryImportProgress {
  done: number;
  total: number;
}

export interface AccountSettings {
  /** Take group and supergroup chats in too (private chats always are). */
  groups?: boolean;
  /** Simulator only: synthetic customers write now and then. */
  demo?: boolean;
  [key: string]: unknown;
}

/** Statuses in which a start request makes sense even though the desired state is already `running`. */
export function canRestart(account: Pick<Account, 'status'>): boolean {
  return account.status === 'error' || account.status === 'needs_reauth' || account.status === 'stopped';
}
