import { assertCan } from '../../platform/access/can.js';
import { AppError } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { CreateCalendarInput } from '../schemas.js';
import { calendarNameTaken } from '../store.js';
import { type CalendarView, calendarView } from '../views.js';

export async function createCalendar(ctx: UseCaseContext, input: CreateCalendarInput): Promise<CalendarView> {
  assertCan(ctx.actor, 'calendar.manage');
  return inTransaction(ctx, async (trx) => {
    if (await calendarNameTaken(trx, input.name)) throw new AppError('conflict', 'A calendar with this name exists.', [{ path: 'name', message: 'already in use' }]);
    const row = await trx
      .insertInto('calendars')
      .values({
        name: input.name,
        time_zone: input.timeZone,
        weekly_hours: JSON.stringify(input.weeklyHours),
        holidays: JSON.stringify([...new Set(input.holidays)].sort()),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = calendarView(row);
    await recordChange(trx, ctx, { event: 'calendar.created', entityType: 'calendar', entityId: row.id, after: view });
    return view;
  });
}
