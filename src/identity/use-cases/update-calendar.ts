import { assertCan } from '../../platform/access/can.js';
import { AppError, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { UpdateCalendarInput } from '../schemas.js';
import { calendarNameTaken, lockCalendarById } from '../store.js';
import { type CalendarView, calendarView } from '../views.js';

export async function updateCalendar(
  ctx: UseCaseContext,
  options: { calendarId: string; expectedVersion: number; changes: UpdateCalendarInput },
): Promise<CalendarView> {
  assertCan(ctx.actor, 'calendar.manage');
  const { changes } = options;
  return inTransaction(ctx, async (trx) => {
    const current = await lockCalendarById(trx, options.calendarId);
    if (!current) throw notFound('calendar');
    assertVersion(current.version, options.expectedVersion);
    if (changes.name && (await calendarNameTaken(trx, changes.name, current.id))) {
      throw new AppError('conflict', 'A calendar with this name exists.', [{ path: 'name', message: 'already in use' }]);
    }
    const row = await trx
      .updateTable('calendars')
      .set({
        ...(changes.name !== undefined && { name: changes.name }),
        ...(changes.timeZone !== undefined && { time_zone: changes.timeZone }),
        ...(changes.weeklyHours !== undefined && { weekly_hours: JSON.stringify(changes.weeklyHours) }),
        ...(changes.holidays !== undefined && { holidays: JSON.stringify([...new Set(changes.holidays)].sort()) }),
        version: current.version + 1,
        updated_at: ctx.clock.now(),
      })
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = calendarView(row);
    await recordChange(trx, ctx, { event: 'calendar.updated', entityType: 'calendar', entityId: row.id, reason: changes.reason ?? null, before: calendarView(current), after });
    return after;
  });
}
