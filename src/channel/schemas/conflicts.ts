import { z } from 'zod';
import { PageQuerySchema } from '../../platform/pagination.js';

const Bool = z.enum(['true', 'false']).transform((v) => v === 'true');
export const ConflictListQuery = z.strictObject({
  ...PageQuerySchema,
  status: z.enum(['open', 'resolved']).optional(),
  accountId: z.uuid().optional(),
  partnerId: z.uuid().optional(),
  overdue: Bool.optional(),
});
export type ConflictListFilter = z.infer<typeof ConflictListQuery>;

export const ResolveConflictSchema = z.strictObject({
  resolution: z.enum(['keep_partner', 'keep_direct', 'co_sell', 'dismissed']),
  reason: z.string().trim().min(1).max(1000),
});
export type ResolveConflictInput = z.infer<typeof ResolveConflictSchema>;

const Person = z.object({ id: z.uuid(), name: z.string() });
export const ConflictResponse = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  accountName: z.string(),
  kind: z.enum(['direct_opportunity_on_partner_account', 'direct_activity_on_partner_account', 'partner_registration_on_direct_account', 'registration_overlap']),
  partnerId: z.uuid().nullable(),
  partnerName: z.string().nullable(),
  registrationId: z.uuid().nullable(),
  sourceType: z.string(),
  sourceId: z.uuid(),
  detail: z.string(),
  status: z.enum(['open', 'resolved']),
  resolution: z.enum(['keep_partner', 'keep_direct', 'co_sell', 'dismissed']).nullable(),
  resolutionReason: z.string().nullable(),
  resolvedBy: Person.nullable(),
  resolvedAt: z.string().nullable(),
  dueAt: z.string(),
  overdue: z.boolean(),
  owner: Person.nullable(),
  currentAssignmentId: z.uuid().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const ScanResponse = z.object({
  scannedFrom: z.string().nullable(),
  scannedThrough: z.string(),
  candidates: z.number().int(),
  opened: z.number().int(),
  openedIds: z.array(z.uuid()),
});
