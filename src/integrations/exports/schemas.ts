import { z } from 'zod';

const Instant = z.iso.datetime({ offset: true });
const Period = { from: Instant.optional(), to: Instant.optional() };

export const AuditExportQuery = z.strictObject({
  ...Period,
  event: z.string().max(100).optional(),
  entityType: z.string().max(100).optional(),
});
export const AssignmentExportQuery = z.strictObject({
  ...Period,
  recordType: z.string().max(50).optional(),
  ownerId: z.uuid().optional(),
  open: z.enum(['true', 'false']).optional(),
});
export const RegistrationExportQuery = z.strictObject({ ...Period, status: z.string().max(50).optional(), partnerId: z.uuid().optional() });
export const OrderExportQuery = z.strictObject({
  ...Period,
  lifecycle: z.enum(['submitted', 'released', 'closed', 'cancelled']).optional(),
  channelId: z.uuid().optional(),
});
export const RoutingKpiExportQuery = z.strictObject({ from: Instant, to: Instant });
export const OrderKpiExportQuery = z.strictObject({ ...Period, channelId: z.uuid().optional() });

export type AuditExportFilter = z.infer<typeof AuditExportQuery>;
export type AssignmentExportFilter = z.infer<typeof AssignmentExportQuery>;
export type RegistrationExportFilter = z.infer<typeof RegistrationExportQuery>;
export type OrderExportFilter = z.infer<typeof OrderExportQuery>;

export const EXPORT_KINDS = ['audit', 'assignments', 'registrations', 'orders', 'routing-kpis', 'order-kpis'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
