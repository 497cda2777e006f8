import type { OperatorId } from './ids.js';

export const ROLES = ['admin', 'operator'] as const;
export type Role = (typeof ROLES)[number];

export interface Operator {
  id: OperatorId;
  username: string;
  displayName: string;
  role: Role;
  /** How many open or pending chats may be assigned to him at once; null means no limit. */
  maxActiveChats: number | null;
  isActive: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
}

export const USERNAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$';
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

/** Usernames compare case-insensitively on every database: stored lower-cased. */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

export function isAdmin(operator: Pick<Operator, 'role'>): boolean {
  return operator.role === 'admin';
}

/** Whether an operator still counts as an admin who can run Parley after a change. */
export function isActiveAdmin(operator: Pick<Operator, 'role' | 'isActive'>): boolean {
  return operator.role === 'admin' && operator.isActive;
}
