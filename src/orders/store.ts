import { type ColumnTypes } from '../platform/db/unnest-insert.js';
import { type QueryCreator, sql } from 'kysely';
import type { ControlPointName, Database, Executor, Trx } from '../platform/db/database.js';
import { actorOf, type UseCaseContext } from '../platform/use-case-context.js';
import { recordChange } from '../platform/record-change.js';
import { routeRecord } from '../routing/use-cases/route-record.js';
import type { GateResult, WorkflowGates } from './core/gates.js';
import type { LineQuantities } from './core/quantities.js';

export type OrderRow = Awaited<ReturnType<typeof lockOrder>> & object;
export type OrderLineRow = Awaited<ReturnType<typeof linesOf>>[number];

export const lockOrder = (trx: Trx, id: string) => trx.selectFrom('sales_orders').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
export const findOrder = (db: Executor, id: string) => db.selectFrom('sales_orders').selectAll().where('id', '=', id).executeTakeFirst();
export const linesOf = (db: Executor, orderId: string) => db.selectFrom('order_lines').selectAll().where('order_id', '=', orderId).orderBy('line_no').execute();
export const lockLines = (trx: Trx, orderId: string) => trx.selectFrom('order_lines').selectAll().where('order_id', '=', orderId).orderBy('id').forUpdate().execute();
export const findChannel = (db: Executor, id: string) => db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirst();
export const channelLocationIds = async (db: Executor, channelId: string) =>
  (await db.selectFrom('channel_locations').select('location_id').where('channel_id', '=', channelId).orderBy('position').execute()).map((r) => r.location_id);

export const quantitiesOf = (line: OrderLineRow): LineQuantities => ({
  ordered: line.qty_ordered,
  cancelled: line.qty_cancelled,
  allocated: line.qty_allocated,
  shipped: line.qty_shipped,
  invoiced: line.qty_invoiced,
  returnAuthorized: line.qty_return_authorized,
  returnReceived: line.qty_return_received,
  credited: line.qty_credited,
});

export const gatesOfOrder = (order: { gates: unknown }) => order.gates as WorkflowGates;

export type LedgerMove = { itemId: string; locationId: string; bucket: 'on_hand' | 'quarantined' | 'incoming'; delta: number; reason: string; docType: string; docId: string | null };

/**
 * The single writer of stock counters besides allocation: each move updates the level (creating it at 0)
 * and appends its ledger row in the same statement batch; CHECK constraints refuse any negative result.
 */
export async function moveStock(trx: Trx, ctx: UseCaseContext, moves: LedgerMove[]): Promise<void> {
  const now = ctx.clock.now();
  const actor = actorOf(ctx).id;
  const ordered = [...moves].filter((m) => m.delta !== 0).sort((a, b) => (a.itemId + a.locationId).localeCompare(b.itemId + b.locationId));
  for (const move of ordered) {
    const column = sql.ref(move.bucket);
    // Update first: CHECKs also judge an upsert's proposed row, so only a missing level is inserted.
    let changed = await sql`update stock_levels set ${column} = ${column} + ${move.delta} where item_id = ${move.itemId} and location_id = ${move.locationId}`.execute(trx);
    if (Number(changed.numAffectedRows) === 0 && move.delta > 0) {
      changed = await sql`insert into stock_levels (item_id, location_id, ${column}) values (${move.itemId}, ${move.locationId}, ${move.delta})
                          on conflict (item_id, location_id) do update set ${column} = stock_levels.${column} + ${move.delta}`.execute(trx);
    }
    if (Number(changed.numAffectedRows) !== 1) throw Object.assign(new Error('no stock level to decrease'), { code: '23514' });
    await trx
      .insertInto('stock_ledger')
      .values({ item_id: move.itemId, location_id: move.locationId, bucket: move.bucket, delta: move.delta, reason: move.reason, doc_type: move.docType, doc_id: move.docId, actor_id: actor, at: now })
      .execute();
  }
}

export type DecisionInput = {
  controlPoint: ControlPointName;
  subjectType: string;
  subjectId: string;
  order: { id: string; channel_id: string; workflow_version: number; variant_id: string | null; variant_version: number | null } | null;
  channelId?: string;
  outcome: 'pass' | 'hold' | 'fail' | 'override';
  rules: GateResult[] | unknown[];
  reason?: string | null;
};

/** Every control-point crossing leaves this row in the crossing's own transaction. */
export async function writeDecision(trx: Trx, ctx: UseCaseContext, input: DecisionInput) {
  return decisionInsert(trx, ctx, input).returningAll().executeTakeFirstOrThrow();
}

/** The decision's INSERT, for a use case that writes it as one part of a combined statement. */
export function decisionInsert(db: QueryCreator<Database>, ctx: UseCaseContext, input: DecisionInput) {
  return db.insertInto('control_decisions').values(decisionRow(ctx, input));
}

/** The columns of decisionRow (plus a client-side id) with their types, for unnestInsert. */
export const DECISION_COLUMNS: ColumnTypes<'control_decisions'> = {
  id: 'uuid',
  control_point: 'text',
  subject_type: 'text',
  subject_id: 'uuid',
  order_id: 'uuid',
  channel_id: 'uuid',
  outcome: 'text',
  rules: 'jsonb',
  workflow_version: 'int',
  variant_id: 'uuid',
  variant_version: 'int',
  actor_id: 'uuid',
  actor_label: 'text',
  reason: 'text',
  at: 'timestamptz',
};

/** A decision as a row, for a use case that inserts several in one statement. */
export function decisionRow(ctx: UseCaseContext, input: DecisionInput) {
  const actor = actorOf(ctx);
  return {
    control_point: input.controlPoint,
    subject_type: input.subjectType,
    subject_id: input.subjectId,
    order_id: input.order?.id ?? null,
    channel_id: input.order?.channel_id ?? input.channelId ?? null,
    outcome: input.outcome,
    rules: JSON.stringify(input.rules),
    workflow_version: input.order?.workflow_version ?? 1,
    variant_id: input.order?.variant_id ?? null,
    variant_version: input.order?.variant_version ?? null,
    actor_id: actor.id,
    actor_label: actor.label,
    reason: input.reason ?? null,
    at: ctx.clock.now(),
  };
}

const EXCEPTION_DUE_HOURS = 24;

/**
 * A failed gate becomes a case with an owner and a due date (one open case per subject, control point, category
 * and channel): the channel's ops owner first, then routing
 * (order_exception rules) in the same transaction when a rule set is published.
 */
export async function openException(
  trx: Trx,
  ctx: UseCaseContext,
  input: { controlPoint: ControlPointName; category: string; subjectType: string; subjectId: string; orderId: string | null; channelId: string | null; detail: string },
) {
  // A retried act that fails the same way (e.g. allocation short again) keeps its one open case. Concurrent
  // failures on one subject (a hot item's shortage) queue on the subject's key so only the first opens it.
  await sql`select pg_advisory_xact_lock(hashtextextended(${`order_exception/${input.subjectType}/${input.subjectId}/${input.controlPoint}/${input.category}`}, 0))`.execute(trx);
  const open = await trx
    .selectFrom('order_exceptions')
    .selectAll()
    .where('subject_type', '=', input.subjectType)
    .where('subject_id', '=', input.subjectId)
    .where('control_point', '=', input.controlPoint)
    .where('category', '=', input.category)
    .where('channel_id', 'is not distinct from', input.channelId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (open) return open;
  const now = ctx.clock.now();
  const channel = input.channelId ? await findChannel(trx, input.channelId) : undefined;
  const row = await trx
    .insertInto('order_exceptions')
    .values({
      control_point: input.controlPoint,
      category: input.category,
      subject_type: input.subjectType,
      subject_id: input.subjectId,
      order_id: input.orderId,
      channel_id: input.channelId,
      detail: input.detail,
      owner_id: channel?.ops_owner_id ?? null,
      due_at: new Date(now.getTime() + EXCEPTION_DUE_HOURS * 3600_000),
      opened_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordChange(trx, ctx, { event: 'order_exception.opened', entityType: 'order_exception', entityId: row.id, after: { controlPoint: row.control_point, category: row.category, detail: row.detail } });
  await routeIfPublished(trx, ctx, 'order_exception', row.id, {
    id: row.id,
    title: `${input.controlPoint} ${input.category}`,
    controlPoint: input.controlPoint,
    category: input.category,
    channelId: input.channelId,
    channelKind: channel?.kind ?? null,
    channelCode: channel?.code ?? null,
  });
  return row;
}

/** Routes an order record in the caller's transaction when a rule set for its type is published; otherwise it keeps its direct owner. */
export async function routeIfPublished(trx: Trx, ctx: UseCaseContext, recordType: 'order_exception' | 'sales_order', recordId: string, facts: Record<string, unknown>): Promise<void> {
  const published = await trx.selectFrom('rulesets').select('id').where('record_type', '=', recordType).where('status', '=', 'published').executeTakeFirst();
  if (published) await routeRecord(trx, ctx, { recordType, recordId, facts });
}

export async function orderEvent(trx: Trx, ctx: UseCaseContext, order: { id: string; channel_id: string }, type: string, subjectId: string | null = null): Promise<void> {
  await orderEventInsert(trx, ctx, order, type, subjectId).execute();
}

export const orderEventInsert = (db: QueryCreator<Database>, ctx: UseCaseContext, order: { id: string; channel_id: string }, type: string, subjectId: string | null = null) =>
  db.insertInto('order_events').values(orderEventRow(ctx, order, type, subjectId));

/** The columns of orderEventRow with their types, for unnestInsert. */
export const ORDER_EVENT_COLUMNS: ColumnTypes<'order_events'> = { order_id: 'uuid', channel_id: 'uuid', type: 'text', subject_id: 'uuid', actor_id: 'uuid', at: 'timestamptz' };

export const orderEventRow = (ctx: UseCaseContext, order: { id: string; channel_id: string }, type: string, subjectId: string | null = null) => ({
  order_id: order.id,
  channel_id: order.channel_id,
  type,
  subject_id: subjectId,
  actor_id: actorOf(ctx).id,
  at: ctx.clock.now(),
});

export const bumpOrderVersion = (trx: Trx, orderId: string) => trx.updateTable('sales_orders').set((eb) => ({ version: eb('version', '+', 1) })).where('id', '=', orderId).execute();

/**
 * Gives active allocations of these lines back to stock (counters down, rows released), locked in (item,
 * location) order like allocation. Allocations on a planned shipment stay unless includePlanned (cancel).
 * Returns the released rows.
 */
export async function releaseActiveAllocations(trx: Trx, now: Date, lineIds: string[], options: { includePlanned?: boolean } = {}) {
  if (lineIds.length === 0) return [];
  let q = trx.selectFrom('allocations').selectAll().where('order_line_id', 'in', lineIds).where('status', '=', 'active');
  if (!options.includePlanned) {
    q = q.where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('shipment_lines').innerJoin('shipments', 'shipments.id', 'shipment_lines.shipment_id').select('shipment_lines.id').whereRef('shipment_lines.allocation_id', '=', 'allocations.id').where('shipments.status', '=', 'planned'))),
    );
  }
  const active = await q.orderBy('item_id').orderBy('location_id').forUpdate().execute();
  for (const a of active) {
    await sql`update stock_levels set allocated = allocated - ${a.qty} where item_id = ${a.item_id} and location_id = ${a.location_id}`.execute(trx);
  }
  if (active.length > 0) await trx.updateTable('allocations').set({ status: 'released', closed_at: now }).where('id', 'in', active.map((a) => a.id)).execute();
  return active;
}
