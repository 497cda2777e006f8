// The fan-out's index of the team (Audience) names exactly the operators the one rule (canSee) lets see a chat.
import { describe, expect, it } from 'vitest';
import type { OperatorId } from '../src/domain/ids.js';
import type { Role } from '../src/domain/operator.js';
import { Audience, canSee, scopeOf } from '../src/domain/visibility.js';

describe('the audience of a chat', () => {
  const roles: Role[] = ['admin', 'operator', 'operator', 'admin', 'operator', 'operator', 'operator'];
  const team = roles.map((role, index) => ({ id: (index + 1) as OperatorId, role }));
  const assignees = [null, ...team.map(({ id }) => id), 99 as OperatorId]; // 99: an operator no longer active
  const chats = assignees.flatMap((assigneeId) => [null, new Date(0)].map((deletedAt) => ({ assigneeId, deletedAt })));

  for (const operatorsSeeUnassigned of [false, true]) {
    it(`is who canSee allows, operators seeing unassigned chats: ${operatorsSeeUnassigned}`, () => {
      const settings = { operatorsSeeUnassigned };
      const audience = new Audience(team, settings);
      for (const chat of chats) {
        const expected = team.filter((operator) => canSee(scopeOf(operator, settings), chat)).map(({ id }) => id);
        const actual = audience.of(chat).map(({ operatorId }) => operatorId);
        expect(actual.sort(), JSON.stringify(chat)).toEqual(expected.sort());
      }
    });
  }

  it('asks about the admins and the assignee only, for a chat assigned to someone', () => {
    const many = Array.from({ length: 1000 }, (_, index) => ({ id: (index + 1) as OperatorId, role: (index < 3 ? 'admin' : 'operator') as Role }));
    const audience = new Audience(many, { operatorsSeeUnassigned: true });
    expect(audience.of({ assigneeId: 500 as OperatorId, deletedAt: null }).map(({ operatorId }) => operatorId)).toEqual([1, 2, 3, 500]);
    expect(audience.of({ assigneeId: null, deletedAt: null })).toHaveLength(1000);
    expect(audience.of({ assigneeId: null, deletedAt: new Date(0) })).toHaveLength(3);
  });
});
