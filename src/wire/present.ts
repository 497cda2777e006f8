// Domain objects → the API's wire shapes (snake_case, ISO times), in one place.
import type { Operator } from '../domain/operator.js';

export function presentOperator(operator: Operator) {
  return {
    id: operator.id,
    username: operator.username,
    display_name: operator.displayName,
    role: operator.role,
    max_active_chats: operator.maxActiveChats,
    is_active: operator.isActive,
    created_at: operator.createdAt.toISOString(),
    updated_at: operator.updatedAt.toISOString(),
    last_login_at: operator.lastLoginAt?.toISOString() ?? null,
  };
}
