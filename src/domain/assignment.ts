// Choosing an operator for a new conversation. Pure: the store supplies candidates and their load.
import type { AutoAssignmentPolicy } from './settings.js';
import type { OperatorId } from './ids.js';

export interface AssignmentCandidate {
  operatorId: OperatorId;
  /** Open and pending chats assigned now. */
  activeChats: number;
  maxActiveChats: number | null;
  lastAssignedAt: number | null;
}

export function hasCapacity(candidate: Pick<AssignmentCandidate, 'activeChats' | 'maxActiveChats'>): boolean {
  return candidate.maxActiveChats === null || candidate.activeChats < candidate.maxActiveChats;
}

/**
 * round_robin: the operator who waited longest since his last assignment (never assigned first);
 * least_loaded: the fewest active chats, then the longest wait. Only operators under their limit qualify.
 */
export function chooseAssignee(policy: AutoAssignmentPolicy, candidates: AssignmentCandidate[]): OperatorId | null {
  if (policy === 'none') return null;
  const eligible = candidates.filter(hasCapacity);
  const byWait = (a: AssignmentCandidate, b: AssignmentCandidate) =>
    (a.lastAssignedAt ?? -1) - (b.lastAssignedAt ?? -1) || a.operatorId - b.operatorId;
  const order =
    policy === 'least_loaded'
      ? (a: AssignmentCandidate, b: AssignmentCandidate) => a.activeChats - b.activeChats || byWait(a, b)
      : byWait;
  return [...eligible].sort(order)[0]?.operatorId ?? null;
}
