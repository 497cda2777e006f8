// The team for the fan-out suite: operators and admins written straight into Parley's database with the
// repository Parley uses (one real scrypt hash shared by all, so creating 1,000 operators does not take 1,000
// scrypt runs; nobody logs in with a password), each with an API token made by the real code path (random
// token, SHA-256 hash in api_tokens, as POST /api/auth/token/ does). Parley caches its operator directory, so
// one operator is then renamed through the API (PATCH /api/operators/{id}/), which tells every process to reload
// it, as creating them one by one through the API would. Chats are then assigned through the API.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../../src/store/db.js';
import { OperatorRepository } from '../../src/store/operators.js';
import { TokenRepository } from '../../src/store/tokens.js';
import { hashPassword } from '../../src/security/passwords.js';
import { generateToken, hashToken } from '../../src/security/tokens.js';
import type { OperatorId } from '../../src/domain/ids.js';
import type { Role } from '../../src/domain/operator.js';

export interface Member {
  id: number;
  role: Role;
  token: string;
}

export async function createTeam(database: Database, operators: number, admins: number): Promise<{ operators: Member[]; admins: Member[] }> {
  const passwordHash = await hashPassword(randomBytes(16).toString('hex'));
  const people = new OperatorRepository(database);
  const tokens = new TokenRepository(database);
  const create = async (role: Role, n: number): Promise<Member> => {
    const operator = await people.insert({ username: `bench-${role}-${n}`, displayName: `Bench ${role} ${n}`, passwordHash, role, maxActiveChats: null, isActive: true });
    const token = generateToken();
    await tokens.insert({ operatorId: operator.id, kind: 'api', tokenHash: hashToken(token), name: 'bench', expiresAt: null });
    return { id: operator.id, role, token };
  };
  const team = { operators: [] as Member[], admins: [] as Member[] };
  for (let n = 0; n < operators; n += 1) team.operators.push(await create('operator', n));
  for (let n = 0; n < admins; n += 1) team.admins.push(await create('admin', n));
  return team;
}

/** Renames `member` through the API: Parley announces the change and reloads its operator directory. */
export async function announceTeam(url: string, adminToken: string, member: Member): Promise<void> {
  const response = await fetch(`${url}/api/operators/${member.id}/`, {
    method: 'PATCH',
    headers: { authorization: `Token ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ display_name: `Bench ${member.role} ${member.id}` }),
  });
  if (response.status !== 200) throw new Error(`renaming operator ${member.id} answered ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
}

/** Deactivates `members` in the database, then has Parley reload its directory (as `announceTeam`). */
export async function shrinkTeam(database: Database, url: string, adminToken: string, members: Member[], announceWith: Member): Promise<void> {
  const people = new OperatorRepository(database);
  for (const member of members) await people.update(member.id as OperatorId, { isActive: false });
  await announceTeam(url, adminToken, announceWith);
}

/** Chat ids by the customer's Telegram id. */
export async function chatsByCustomer(database: Database): Promise<Map<number, number>> {
  const { rows } = await sql<{ id: number | bigint; external_id: number | bigint | string }>`select id, external_id from chats`.execute(database.db);
  return new Map(rows.map((row) => [Number(row.external_id), Number(row.id)]));
}

/** Assigns each chat through POST /api/chats/{id}/assign/ as the admin, a few requests at a time. */
export async function assignChats(url: string, adminToken: string, assignments: { chatId: number; operatorId: number }[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < assignments.length) {
        const { chatId, operatorId } = assignments[next++] as { chatId: number; operatorId: number };
        const response = await fetch(`${url}/api/chats/${chatId}/assign/`, {
          method: 'POST',
          headers: { authorization: `Token ${adminToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ operator_id: operatorId }),
        });
        if (response.status !== 200) throw new Error(`assigning chat ${chatId} answered ${response.status}: ${await response.text()}`);
        await response.arrayBuffer();
      }
    }),
  );
}
