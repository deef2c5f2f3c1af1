import { assertCan } from '../../platform/access/can.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { getOrderIn } from '../read-order.js';

/** The order page: lines with buckets, allocations, holds, control decisions, exceptions and the timeline. */
export async function getOrder(ctx: UseCaseContext, orderId: string) {
  assertCan(ctx.actor, 'order.read');
  const order = await getOrderIn(ctx.db, orderId);
  const lineIds = order.lines.map((l) => l.id);
  const [allocations, holds, decisions, exceptions, events, shipments, invoices, returns, credits] = await Promise.all([
    ctx.db.selectFrom('allocations').selectAll().where('order_line_id', 'in', lineIds).orderBy('created_at').execute(),
    ctx.db.selectFrom('holds').selectAll().where('order_id', '=', orderId).orderBy('opened_at').execute(),
    ctx.db.selectFrom('control_decisions').selectAll().where('order_id', '=', orderId).orderBy('at').orderBy('id').execute(),
    ctx.db.selectFrom('order_exceptions').selectAll().where('order_id', '=', orderId).orderBy('opened_at').execute(),
    ctx.db.selectFrom('order_events').selectAll().where('order_id', '=', orderId).orderBy('id').execute(),
    ctx.db.selectFrom('shipments').selectAll().where('order_id', '=', orderId).orderBy('created_at').execute(),
    ctx.db.selectFrom('invoices').selectAll().where('order_id', '=', orderId).orderBy('posted_at').execute(),
    ctx.db.selectFrom('return_authorizations').selectAll().where('order_id', '=', orderId).orderBy('authorized_at').execute(),
    ctx.db.selectFrom('credit_memos').selectAll().where('order_id', '=', orderId).orderBy('posted_at').execute(),
  ]);
  return {
    ...order,
    allocations: allocations.map((a) => ({ id: a.id, orderLineId: a.order_line_id, itemId: a.item_id, locationId: a.location_id, qty: a.qty, status: a.status })),
    holds: holds.map((h) => ({ id: h.id, type: h.type, controlPoint: h.control_point, reason: h.reason, openedAt: h.opened_at.toISOString(), releasedAt: h.released_at?.toISOString() ?? null, releasedBy: h.released_by, releaseReason: h.release_reason })),
    decisions: decisions.map((d) => ({ id: d.id, controlPoint: d.control_point, subjectType: d.subject_type, subjectId: d.subject_id, outcome: d.outcome, rules: d.rules, workflowVersion: d.workflow_version, variantId: d.variant_id, actor: d.actor_label, reason: d.reason, at: d.at.toISOString() })),
    exceptions: exceptions.map((e) => ({ id: e.id, controlPoint: e.control_point, category: e.category, detail: e.detail, status: e.status, ownerId: e.owner_id, dueAt: e.due_at.toISOString(), openedAt: e.opened_at.toISOString() })),
    timeline: events.map((e) => ({ type: e.type, subjectId: e.subject_id, actorId: e.actor_id, at: e.at.toISOString() })),
    shipments: shipments.map((s) => ({ id: s.id, locationId: s.location_id, status: s.status, confirmedAt: s.confirmed_at?.toISOString() ?? null })),
    invoices: invoices.map((i) => ({ id: i.id, netMinor: Number(i.net_minor), taxMinor: Number(i.tax_minor), totalMinor: Number(i.total_minor), postedAt: i.posted_at.toISOString() })),
    returns: returns.map((r) => ({ id: r.id, status: r.status, reason: r.reason, authorizedAt: r.authorized_at.toISOString(), creditedAt: r.credited_at?.toISOString() ?? null, version: r.version })),
    creditMemos: credits.map((c) => ({ id: c.id, kind: c.kind, reasonCode: c.reason_code, totalMinor: Number(c.total_minor), postedAt: c.posted_at.toISOString() })),
  };
}
export type OrderDetail = Awaited<ReturnType<typeof getOrder>>;
