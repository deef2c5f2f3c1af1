import { assertCan } from '../../platform/access/can.js';
import { AppError, invalidField, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { UpdateTeamInput } from '../schemas.js';
import { findCalendarById, findUserById, lockTeamById, teamNameTaken } from '../store.js';
import { type TeamView, teamView } from '../views.js';

export async function updateTeam(
  ctx: UseCaseContext,
  options: { teamId: string; expectedVersion: number; changes: UpdateTeamInput },
): Promise<TeamView> {
  assertCan(ctx.actor, 'team.manage');
  const { changes } = options;
  return inTransaction(ctx, async (trx) => {
    const current = await lockTeamById(trx, options.teamId);
    if (!current) throw notFound('team');
    assertVersion(current.version, options.expectedVersion);
    if (changes.name && (await teamNameTaken(trx, changes.name, current.id))) {
      throw new AppError('conflict', 'A team with this name exists.', [{ path: 'name', message: 'already in use' }]);
    }
    if (changes.managerId) {
      const manager = await findUserById(trx, changes.managerId);
      if (!manager || manager.partner_id !== null) throw invalidField('managerId', 'no such internal user');
    }
    if (changes.calendarId && !(await findCalendarById(trx, changes.calendarId))) throw invalidField('calendarId', 'no such calendar');
    const row = await trx
      .updateTable('teams')
      .set({
        ...(changes.name !== undefined && { name: changes.name }),
        ...(changes.managerId !== undefined && { manager_id: changes.managerId }),
        ...(changes.calendarId !== undefined && { calendar_id: changes.calendarId }),
        version: current.version + 1,
        updated_at: ctx.clock.now(),
      })
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = teamView(row);
    await recordChange(trx, ctx, { event: 'team.updated', entityType: 'team', entityId: row.id, reason: changes.reason ?? null, before: teamView(current), after });
    return after;
  });
}
