import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { findCalendarById } from '../store.js';
import { type CalendarView, calendarView } from '../views.js';

export async function listCalendars(ctx: UseCaseContext): Promise<{ items: CalendarView[]; nextCursor: null }> {
  assertCan(ctx.actor, 'calendar.read');
  const rows = await ctx.db.selectFrom('calendars').selectAll().orderBy('name').execute();
  return { items: rows.map(calendarView), nextCursor: null };
}

export async function getCalendar(ctx: UseCaseContext, calendarId: string): Promise<CalendarView> {
  assertCan(ctx.actor, 'calendar.read');
  const row = await findCalendarById(ctx.db, calendarId);
  if (!row) throw notFound('calendar');
  return calendarView(row);
}
