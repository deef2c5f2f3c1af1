import { assertCan } from '../../platform/access/can.js';
import { AppError, invalidField } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { CreateTeamInput } from '../schemas.js';
import { findCalendarById, findUserById, teamNameTaken } from '../store.js';
import { type TeamView, teamView } from '../views.js';

export async function createTeam(ctx: UseCaseContext, input: CreateTeamInput): Promise<TeamView> {
  assertCan(ctx.actor, 'team.manage');
  return inTransaction(ctx, async (trx) => {
    if (await teamNameTaken(trx, input.name)) throw new AppError('conflict', 'A team with this name exists.', [{ path: 'name', message: 'already in use' }]);
    if (input.managerId) {
      const manager = await findUserById(trx, input.managerId);
      if (!manager || manager.partner_id !== null) throw invalidField('managerId', 'no such internal user');
    }
    if (input.calendarId && !(await findCalendarById(trx, input.calendarId))) throw invalidField('calendarId', 'no such calendar');
    const row = await trx
      .insertInto('teams')
      .values({ name: input.name, manager_id: input.managerId ?? null, calendar_id: input.calendarId ?? null })
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = teamView(row);
    await recordChange(trx, ctx, { event: 'team.created', entityType: 'team', entityId: row.id, after: view });
    return view;
  });
}
