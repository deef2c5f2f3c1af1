import { z } from 'zod';
import { ROLES } from '../platform/access/permissions.js';
import type { Role } from '../platform/db/database.js';
import { isValidTimeZone, WEEKDAYS } from './core/calendar.js';

export const RoleSchema = z.enum(ROLES as [Role, ...Role[]]);
export const PasswordSchema = z.string().min(12, 'must be at least 12 characters').max(1024);
const Name = z.string().trim().min(1).max(200);
const Email = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());

export const CreateUserSchema = z.strictObject({
  email: Email,
  name: Name,
  role: RoleSchema,
  teamId: z.uuid().optional(),
  calendarId: z.uuid().optional(),
  partnerId: z.uuid().optional(),
  password: PasswordSchema.optional(),
});
export type CreateUserInput = z.infer<typeof CreateUserSchema>;

export const UpdateUserSchema = z.strictObject({
  name: Name.optional(),
  role: RoleSchema.optional(),
  teamId: z.uuid().nullable().optional(),
  calendarId: z.uuid().nullable().optional(),
  password: PasswordSchema.optional(),
  reason: z.string().trim().max(1000).optional(),
});
export type UpdateUserInput = z.infer<typeof UpdateUserSchema>;

export const DeactivateUserSchema = z.strictObject({ reason: z.string().trim().min(1).max(1000), rerouteOpenWork: z.boolean().optional() });

const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM');
export const WeeklyHoursSchema = z
  .partialRecord(z.enum(WEEKDAYS), z.array(z.tuple([TimeOfDay, TimeOfDay])).max(4))
  .superRefine((hours, ctx) => {
    for (const [day, spans] of Object.entries(hours)) {
      spans?.forEach(([from, to], i) => {
        if (from >= to) ctx.addIssue({ code: 'custom', path: [day, i], message: 'start must be before end' });
      });
    }
  });
export const HolidaysSchema = z.array(z.iso.date()).max(400);

export const CreateCalendarSchema = z.strictObject({
  name: Name,
  timeZone: z.string().refine(isValidTimeZone, 'must be an IANA time zone, e.g. Europe/Berlin'),
  weeklyHours: WeeklyHoursSchema,
  holidays: HolidaysSchema.default([]),
});
export type CreateCalendarInput = z.infer<typeof CreateCalendarSchema>;
export const UpdateCalendarSchema = CreateCalendarSchema.partial().extend({ reason: z.string().trim().max(1000).optional() });
export type UpdateCalendarInput = z.infer<typeof UpdateCalendarSchema>;

export const CreateTeamSchema = z.strictObject({
  name: Name,
  managerId: z.uuid().optional(),
  calendarId: z.uuid().optional(),
});
export type CreateTeamInput = z.infer<typeof CreateTeamSchema>;
export const UpdateTeamSchema = z.strictObject({
  name: Name.optional(),
  managerId: z.uuid().nullable().optional(),
  calendarId: z.uuid().nullable().optional(),
  reason: z.string().trim().max(1000).optional(),
});
export type UpdateTeamInput = z.infer<typeof UpdateTeamSchema>;

export const CreateTokenSchema = z.strictObject({
  name: Name,
  userId: z.uuid().optional(),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type CreateTokenInput = z.infer<typeof CreateTokenSchema>;

export const SignInSchema = z.strictObject({ email: Email, password: z.string().min(1).max(1024) });
