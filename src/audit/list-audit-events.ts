import { assertCan } from '../platform/access/can.js';
import type { AuditEventRow } from '../platform/db/database.js';
import { type Page, decodeCursor, toPage } from '../platform/pagination.js';
import type { UseCaseContext } from '../platform/use-case-context.js';

export type AuditFilter = {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  eventName?: string;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
};

export const auditEventView = (e: AuditEventRow & { hash: string | null }) => ({
  seq: Number(e.seq),
  id: e.id,
  occurredAt: e.occurred_at.toISOString(),
  eventName: e.event_name,
  entityType: e.entity_type,
  entityId: e.entity_id,
  actorId: e.actor_id,
  actorLabel: e.actor_label,
  reason: e.reason,
  requestId: e.request_id,
  before: e.before,
  after: e.after,
  hash: e.hash,
});
export type AuditEventView = ReturnType<typeof auditEventView>;

/** Newest first, filtered; the cursor is the last sequence number seen. */
export async function listAuditEvents(ctx: UseCaseContext, filter: AuditFilter): Promise<Page<AuditEventView>> {
  assertCan(ctx.actor, 'audit.read');
  // An event's hash appears once the sealer has linked it into the chain, normally well within a second.
  let query = ctx.db
    .selectFrom('audit_events')
    .selectAll('audit_events')
    .select((eb) => eb.selectFrom('audit_seals').select('hash').whereRef('audit_seals.event_seq', '=', 'audit_events.seq').as('hash'))
    .orderBy('seq', 'desc')
    .limit(filter.limit + 1);
  if (filter.entityType) query = query.where('entity_type', '=', filter.entityType);
  if (filter.entityId) query = query.where('entity_id', '=', filter.entityId);
  if (filter.actorId) query = query.where('actor_id', '=', filter.actorId);
  if (filter.eventName) query = query.where('event_name', '=', filter.eventName);
  if (filter.from) query = query.where('occurred_at', '>=', new Date(filter.from));
  if (filter.to) query = query.where('occurred_at', '<', new Date(filter.to));
  if (filter.cursor) query = query.where('seq', '<', String(decodeCursor(filter.cursor, 1)[0]));
  return toPage(await query.execute(), filter.limit, auditEventView, (e) => [Number(e.seq)]);
}
