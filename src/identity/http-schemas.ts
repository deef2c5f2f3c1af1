import { z } from 'zod';
import { RoleSchema } from './schemas.js';

export const UserResponse = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  teamId: z.uuid().nullable(),
  calendarId: z.uuid().nullable(),
  partnerId: z.uuid().nullable(),
  status: z.enum(['active', 'deactivated']),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  deactivatedAt: z.string().nullable(),
});

export const TeamResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  managerId: z.uuid().nullable(),
  calendarId: z.uuid().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const CalendarResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  timeZone: z.string(),
  weeklyHours: z.record(z.string(), z.array(z.tuple([z.string(), z.string()]))),
  holidays: z.array(z.string()),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const TokenResponse = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

export const MeResponse = z.object({
  user: UserResponse,
  permissions: z.array(z.string()),
  csrfToken: z.string().nullable(),
  via: z.enum(['session', 'token']),
});

export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
export const IdParams = z.strictObject({ id: z.uuid() });
