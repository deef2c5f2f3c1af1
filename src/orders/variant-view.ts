import type { Selectable } from 'kysely';
import type { WorkflowVariantTable } from '../platform/db/database.js';
import { type WorkflowGates, overlayDiff } from './core/gates.js';

export const variantView = (r: Selectable<WorkflowVariantTable>, standard: WorkflowGates, exceptionRate: { orders: number; exceptions: number } | null, now: Date) => ({
  id: r.id,
  channelId: r.channel_id,
  version: r.version,
  baseVersion: r.base_version,
  status: r.status,
  expired: r.status === 'active' && r.review_by !== null && r.review_by.getTime() <= now.getTime(),
  ownerId: r.owner_id,
  rationale: r.rationale,
  supportModel: r.support_model,
  reviewBy: r.review_by?.toISOString() ?? null,
  activatedAt: r.activated_at?.toISOString() ?? null,
  overlay: r.overlay,
  diff: overlayDiff(standard, r.overlay as WorkflowGates),
  orders: exceptionRate?.orders ?? 0,
  exceptions: exceptionRate?.exceptions ?? 0,
  exceptionRate: exceptionRate && exceptionRate.orders > 0 ? exceptionRate.exceptions / exceptionRate.orders : 0,
});
export type VariantView = ReturnType<typeof variantView>;
