// Managing operators (admins only): create, change, deactivate, delete — never leaving Parley without an admin.
import type { Transaction } from 'kysely';
import { Conflict, Forbidden, NotFound } from '../domain/errors.js';
import type { OperatorId } from '../domain/ids.js';
import { isActiveAdmin, isAdmin, normalizeUsername, type Operator, type Role } from '../domain/operator.js';
import { hashPassword } from '../security/passwords.js';
import type { AuditLog } from '../store/audit.js';
import type { Page } from '../store/cursor.js';
import type { Database } from '../store/db.js';
import { isUniqueViolation } from '../store/errors.js';
import type { OperatorChanges, OperatorRepository } from '../store/operators.js';
import type { Schema } from '../store/schema.js';
import type { TokenRepository } from '../store/tokens.js';
import type { Principal } from './auth.js';
import type { LoginThrottle } from './login-throttle.js';

export interface OperatorInput {
  username: string;
  password: string;
  displayName?: string;
  role?: Role;
  maxActiveChats?: number | null;
  isActive?: boolean;
}

export type OperatorPatch = Partial<OperatorInput>;

export interface Actor {
  principal: Principal;
  ip: string;
}

export class OperatorService {
  constructor(
    private readonly deps: {
      database: Database;
      operators: OperatorRepository;
      tokens: TokenRepository;
      audit: AuditLog;
      /** Its counters for a username are cleared by a new password or an admin's request. */
      throttle: LoginThrottle;
      /** Open and pending chats per operator: the load shown beside his limit. */
      activeCounts?: (ids: readonly OperatorId[]) => Promise<Map<OperatorId, number>>;
      /** Tells every process an operator changed (caches, and sockets of signed-out operators). */
      announce?: (change: { operatorId: OperatorId; signedOut: boolean }) => Promise<void>;
      /** An operator may have room for waiting chats (created, activated, a new limit or role). */
      roomChanged?: () => Promise<void>;
      /** An operator's password was replaced; `previousHash` is the one it replaced. */
      passwordChanged?: (operatorId: OperatorId, previousHash: string) => Promise<void>;
    },
  ) {}

  async list(actor: Actor, options: { cursor?: string; limit: number; includeInactive: boolean }): Promise<Page<Operator>> {
    requireAdmin(actor);
    return this.deps.operators.list(options);
  }

  /** A page of operators, each with his current load (open and pending chats assigned to him). */
  async listWithLoad(
    actor: Actor,
    options: { cursor?: string; limit: number; includeInactive: boolean },
  ): Promise<Page<{ operator: Operator; activeChats: number }>> {
    const page = await this.list(actor, options);
    const counts = (await this.deps.activeCounts?.(page.results.map((o) => o.id))) ?? new Map<OperatorId, number>();
    return { ...page, results: page.results.map((operator) => ({ operator, activeChats: counts.get(operator.id) ?? 0 })) };
  }

  /** The team as every signed-in operator may know it (names on chats and messages); the route picks the fields. */
  async directory(): Promise<Operator[]> {
    return this.deps.operators.listAll();
  }

  async get(actor: Actor, id: OperatorId): Promise<Operator> {
    requireAdmin(actor);
    return this.find(id);
  }

  async create(actor: Actor | null, input: OperatorInput): Promise<Operator> {
    if (actor) requireAdmin(actor);
    const { database, operators, audit } = this.deps;
    const username = normalizeUsername(input.username);
    const passwordHash = await hashPassword(input.password);
    const operator = await database.db.transaction().execute(async (trx) => {
      if (await operators.usernameTaken(username, trx)) throw usernameTaken(username);
      const created = await operators.insert(
        {
          username,
          displayName: input.displayName?.trim() || username,
          passwordHash,
          role: input.role ?? 'operator',
          maxActiveChats: input.maxActiveChats ?? null,
          isActive: input.isActive ?? true,
        },
        trx,
      );
      await audit.record(
        {
          actorId: actor?.principal.operator.id ?? null,
          action: 'operator.created',
          targetType: 'operator',
          targetId: created.id,
          ...(actor && { ip: actor.ip }),
          details: { username, role: created.role },
        },
        trx,
      );
      return created;
    }).catch(rethrowUniqueViolation(username));
    await this.deps.announce?.({ operatorId: operator.id, signedOut: false });
    await this.deps.roomChanged?.();
    return operator;
  }

  async update(actor: Actor, id: OperatorId, patch: OperatorPatch): Promise<Operator> {
    requireAdmin(actor);
    const { database, operators, tokens, audit } = this.deps;
    const changes: OperatorChanges = {};
    if (patch.username !== undefined) changes.username = normalizeUsername(patch.username);
    if (patch.displayName !== undefined) changes.displayName = patch.displayName.trim();
    if (patch.role !== undefined) changes.role = patch.role;
    if (patch.maxActiveChats !== undefined) changes.maxActiveChats = patch.maxActiveChats;
    if (patch.isActive !== undefined) changes.isActive = patch.isActive;
    if (patch.password !== undefined) changes.passwordHash = await hashPassword(patch.password);
    const previousHash = changes.passwordHash === undefined ? undefined : await this.passwordHashOf(id);

    const updated = await database.db.transaction().execute(async (trx) => {
      const current = await operators.findById(id, trx);
      if (!current) throw operatorNotFound(id);
      if (changes.username !== undefined && changes.username !== current.username) {
        if (await operators.usernameTaken(changes.username, trx)) throw usernameTaken(changes.username);
      }
      const after = { ...current, ...changes };
      if (isActiveAdmin(current) && !isActiveAdmin(after)) {
        await this.ensureAnotherAdmin(trx, id, 'demote or deactivate');
      }
      await operators.update(id, changes, trx);
      const signsOut = changes.isActive === false || changes.passwordHash !== undefined;
      if (signsOut) await tokens.revokeAllOf(id, trx);
      await audit.record(
        {
          actorId: actor.principal.operator.id,
          action: 'operator.updated',
          targetType: 'operator',
          targetId: id,
          ip: actor.ip,
          details: { fields: Object.keys(patch).sort(), tokens_revoked: signsOut },
        },
        trx,
      );
      const updatedOperator = await operators.findById(id, trx);
      if (!updatedOperator) throw operatorNotFound(id);
      return { operator: updatedOperator, signedOut: signsOut };
    }).catch(rethrowUniqueViolation(changes.username ?? ''));
    if (changes.passwordHash !== undefined) await this.deps.throttle.clear(updated.operator.username);
    await this.deps.announce?.({ operatorId: id, signedOut: updated.signedOut });
    if (changes.maxActiveChats !== undefined || changes.isActive === true || changes.role !== undefined) await this.deps.roomChanged?.();
    if (previousHash !== undefined) await this.deps.passwordChanged?.(id, previousHash);
    return updated.operator;
  }

  /** Lets an operator whose username is throttled (failed logins from anywhere) log in again at once. */
  async clearThrottle(actor: Actor, id: OperatorId): Promise<void> {
    requireAdmin(actor);
    const operator = await this.find(id);
    await this.deps.throttle.clear(operator.username);
    await this.deps.audit.record({
      actorId: actor.principal.operator.id,
      action: 'operator.throttle_cleared',
      targetType: 'operator',
      targetId: id,
      ip: actor.ip,
      details: { username: operator.username },
    });
  }

  private async passwordHashOf(id: OperatorId): Promise<string | undefined> {
    const operator = await this.deps.operators.findById(id);
    return operator && (await this.deps.operators.findCredentials(operator.username))?.passwordHash;
  }

  async delete(actor: Actor, id: OperatorId): Promise<void> {
    requireAdmin(actor);
    const { database, operators, tokens, audit } = this.deps;
    await database.db.transaction().execute(async (trx) => {
      const current = await operators.findById(id, trx);
      if (!current) throw operatorNotFound(id);
      if (isActiveAdmin(current)) await this.ensureAnotherAdmin(trx, id, 'delete');
      await operators.softDelete(id, trx);
      await tokens.revokeAllOf(id, trx);
      await audit.record(
        {
          actorId: actor.principal.operator.id,
          action: 'operator.deleted',
          targetType: 'operator',
          targetId: id,
          ip: actor.ip,
          details: { username: current.username },
        },
        trx,
      );
    });
    await this.deps.announce?.({ operatorId: id, signedOut: true });
  }

  private async find(id: OperatorId): Promise<Operator> {
    const operator = await this.deps.operators.findById(id);
    if (!operator) throw operatorNotFound(id);
    return operator;
  }

  private async ensureAnotherAdmin(
    trx: Transaction<Schema>,
    id: OperatorId,
    verb: string,
  ): Promise<void> {
    const admins = await this.deps.operators.lockActiveAdminIds(trx);
    if (!admins.some((adminId) => adminId !== id)) {
      throw new Conflict(`cannot ${verb} the last active admin: make another operator an admin first`);
    }
  }
}

export function requireAdmin(actor: Actor): void {
  if (!isAdmin(actor.principal.operator)) throw new Forbidden('only admins may do this');
}

function operatorNotFound(id: OperatorId): NotFound {
  return new NotFound(`operator ${id} not found`);
}

function usernameTaken(username: string): Conflict {
  return new Conflict(`username "${username}" is already taken`, { field: 'username' });
}

/** Two concurrent creations can both pass the check; the unique index then decides. */
function rethrowUniqueViolation(username: string) {
  return (error: unknown): never => {
    if (isUniqueViolation(error)) throw usernameTaken(username);
    throw error;
  };
}
