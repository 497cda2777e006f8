// Workspace settings an admin changes at run time (stored in the settings table).

export const AUTO_ASSIGNMENT_POLICIES = ['none', 'round_robin', 'least_loaded'] as const;
export type AutoAssignmentPolicy = (typeof AUTO_ASSIGNMENT_POLICIES)[number];

export interface Settings {
  autoAssignment: AutoAssignmentPolicy;
  /** Operators also see unassigned chats and may take them. */
  operatorsSeeUnassigned: boolean;
  /** Messages older than this many days are deleted with their media; null keeps everything. */
  retentionDays: number | null;
}

export const DEFAULT_SETTINGS: Settings = {
  autoAssignment: 'none',
  operatorsSeeUnassigned: false,
  retentionDays: null,
};
