import type { ContactId, ExternalId } from './ids.js';

/** Contacts are unique per network: a simulator user 123 is not Telegram user 123. */
export type Network = 'telegram' | 'simulator';

export interface ContactProfile {
  externalId: ExternalId;
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  phone: string | null;
}

export interface Contact extends ContactProfile {
  id: ContactId;
  network: Network;
  createdAt: Date;
  updatedAt: Date;
}

export function displayName(profile: Pick<ContactProfile, 'firstName' | 'lastName' | 'username' | 'externalId'>): string {
  const name = [profile.firstName, profile.lastName].filter(Boolean).join(' ').trim();
  if (name) return name;
  return profile.username ? `@${profile.username}` : `User ${profile.externalId}`;
}
