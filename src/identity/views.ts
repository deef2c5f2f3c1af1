import type { CalendarRow, TeamRow, UserRow } from '../platform/db/database.js';

/** What leaves Baton about a user: never the password hash. */
export const userView = (u: UserRow) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role,
  teamId: u.team_id,
  calendarId: u.calendar_id,
  partnerId: u.partner_id,
  status: u.status,
  version: u.version,
  createdAt: u.created_at.toISOString(),
  updatedAt: u.updated_at.toISOString(),
  deactivatedAt: u.deactivated_at?.toISOString() ?? null,
});
export type UserView = ReturnType<typeof userView>;

export const teamView = (t: TeamRow) => ({
  id: t.id,
  name: t.name,
  managerId: t.manager_id,
  calendarId: t.calendar_id,
  version: t.version,
  createdAt: t.created_at.toISOString(),
  updatedAt: t.updated_at.toISOString(),
});
export type TeamView = ReturnType<typeof teamView>;

export const calendarView = (c: CalendarRow) => ({
  id: c.id,
  name: c.name,
  timeZone: c.time_zone,
  weeklyHours: c.weekly_hours,
  holidays: c.holidays,
  version: c.version,
  createdAt: c.created_at.toISOString(),
  updatedAt: c.updated_at.toISOString(),
});
export type CalendarView = ReturnType<typeof calendarView>;
