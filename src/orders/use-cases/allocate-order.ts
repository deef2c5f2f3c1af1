import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { assertCan } from '../../platform/access/can.js';
import type { Trx } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { unnestInsert } from '../../platform/db/unnest-insert.js';
import { type Settled, groupCommit } from '../../platform/group-commit.js';
import { guardAtCommit } from '../../platform/pre-commit.js';
import type { AuditedChange } from '../../platform/audit/events.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import {
  type AllocationRequest,
  type AllocationStrategy,
  type LevelAvailability,
  type PlannedAllocation,
  type Shortage,
  levelTakes,
  planAllocation,
} from '../core/allocation.js';
import { type GateFacts, evaluateGates } from '../core/gates.js';
import { unallocatedQty } from '../core/quantities.js';
import {
  DECISION_COLUMNS,
  ORDER_EVENT_COLUMNS,
  type OrderLineRow,
  type OrderRow,
  decisionRow,
  gatesOfOrder,
  openException,
  orderEventRow,
  quantitiesOf,
} from '../store.js';
import { type OrderView, orderView } from '../views.js';

/** Optimistic attempts before an allocation plans under row locks instead (a level moved under each of them). */
const OPTIMISTIC_ATTEMPTS = 3;

/** The most allocations one transaction takes from the queue (see allocateTogether). */
const BATCH_MAX = 64;

/** A conditional counter update found less stock than the plan was made from; the transaction rolls back. */
class StockMoved extends Error {}

type Outcome = { shortages: Shortage[]; refused?: string; view?: OrderView };
type AllocationCall = { ctx: UseCaseContext; orderId: string; expectedVersion: number | undefined };

/**
 * INVENTORY_ALLOCATION: every unallocated quantity of the order, split across the channel's locations, all or
 * nothing.
 *
 * Allocations that arrive while another is being written are written together, in one transaction
 * (group commit, see allocateTogether): each is decided exactly as if they had run one after another in arrival
 * order, each gets its own decision, event, audit row and answer, and a hot SKU's row is locked once per batch
 * instead of once per order.
 *
 * The orders and their lines are locked and everything else allocation reads comes back in one statement; the
 * plan is made from committed stock without locking it, and everything that does not need the stock rows —
 * allocation rows, line quantities, the decisions, the events, the versions — is written first, in one statement.
 * The counters move last, one conditional `UPDATE … WHERE available >= q` per level in (item, location) order:
 * that re-check IS the lock, so a hot level's row is held only from that statement to commit, not across the
 * whole use case; a single level's update is part of the commit statement itself (a commit guard). If a level no
 * longer covers its share the whole transaction rolls back (nothing was written) and the allocations are planned
 * again from what is now committed; after OPTIMISTIC_ATTEMPTS they plan under `FOR UPDATE` locks, where the update
 * cannot miss. The no-oversell CHECK on stock_levels backs all of this up.
 *
 * A shortage seen in committed stock is a true answer at that moment and is refused without queueing on the
 * stock rows: it commits only the failed decision (and, for the first shortage of an item, the item's exception
 * case — see shortageCases), then answers 422.
 */
export async function allocateOrder(ctx: UseCaseContext, orderId: string, expectedVersion?: number): Promise<OrderView> {
  assertCan(ctx.actor, 'order.write');
  const call = { ctx, orderId, expectedVersion };
  // A partner's row-level scope and an idempotency key's commit mark belong to one caller's transaction.
  const alone = ctx.actor.partnerId !== null || ctx.idempotency !== undefined;
  const outcome = alone ? settled((await allocateBatch([call]))[0]!) : await allocateTogether(ctx.db, call);
  if (outcome.refused)
    throw new AppError('rule_violation', `INVENTORY_ALLOCATION gate failed: ${outcome.refused}. An exception case was opened.`);
  if (outcome.shortages.length > 0) {
    throw new AppError(
      'rule_violation',
      `Not enough stock: ${shortageText(outcome.shortages)}. Nothing was allocated.`,
      outcome.shortages.map((s) => ({ path: `lines.${s.lineId}`, message: `short by ${s.short} of ${s.requested}` })),
    );
  }
  return outcome.view!;
}

const settled = <T>(answer: Settled<T>): T => {
  if (!answer.ok) throw answer.error;
  return answer.value;
};

/** One allocation transaction at a time per database in this process; whoever arrives meanwhile joins the next. */
const allocateTogether = groupCommit((_db: object, calls: AllocationCall[]) => allocateBatch(calls), { max: BATCH_MAX });

/**
 * A batch's transaction, re-planned when a level moved under it. If it fails otherwise it throws, and group commit
 * runs each call again on its own, so one order's error is that order's answer and the others still allocate.
 */
async function allocateBatch(calls: AllocationCall[]): Promise<Array<Settled<Outcome>>> {
  for (let attempt = 1; ; attempt++) {
    const locking = attempt > OPTIMISTIC_ATTEMPTS;
    try {
      return await inTransaction(calls[0]!.ctx, (trx) => allocateIn(trx, calls, locking));
    } catch (error) {
      if (!(error instanceof StockMoved) || locking) throw error;
    }
  }
}

type Locked = { order: OrderRow; lines: OrderLineRow[]; context: AllocationContext };
type Allocated = { index: number; call: AllocationCall; target: Locked; plan: PlannedAllocation[]; rules: unknown[] };
type Refused = {
  call: AllocationCall;
  order: OrderRow;
  rules: unknown[];
  reason: string;
  detail: Record<string, unknown>;
  decisionId: string;
};

/** The calls in arrival order, each against the stock the ones before it left. */
async function allocateIn(trx: Trx, calls: AllocationCall[], locking: boolean): Promise<Array<Settled<Outcome>>> {
  const locked = await lockAndRead(trx, [...new Set(calls.map((c) => c.orderId))]);
  const available = new Map<string, number>();
  const levelKey = (itemId: string, locationId: string) => `${itemId}|${locationId}`;
  // One statement read every order's levels, so they agree wherever two orders share one.
  for (const { context } of locked.values()) for (const l of context.levels) available.set(levelKey(l.itemId, l.locationId), l.available);
  const targets = [...locked.values()];
  const itemIds = [...new Set(targets.flatMap((t) => t.lines.map((l) => l.item_id)))];
  const locationIds = [...new Set(targets.flatMap((t) => t.context.locations))];
  if (locking && itemIds.length > 0 && locationIds.length > 0) {
    const lockedLevels = await trx
      .selectFrom('stock_levels')
      .selectAll()
      .where('item_id', 'in', itemIds)
      .where('location_id', 'in', locationIds)
      .orderBy('item_id')
      .orderBy('location_id')
      .forUpdate()
      .execute();
    for (const l of lockedLevels) available.set(levelKey(l.item_id, l.location_id), l.on_hand - l.allocated - l.quarantined);
  }
  // A shortage case opened for one order of the batch is the case the next short order of its channel joins.
  const casesByChannel = new Map<string, Array<{ itemId: string; id: string }>>();
  const openCases = (channelId: string, read: Array<{ itemId: string; id: string }>) => {
    if (!casesByChannel.has(channelId)) casesByChannel.set(channelId, [...read]);
    return casesByChannel.get(channelId)!;
  };
  const answers: Array<Settled<Outcome>> = [];
  const allocated: Allocated[] = [];
  const refused: Refused[] = [];
  // Audited in arrival order, like the decisions they record.
  const changes: Array<{ ctx: UseCaseContext; change: AuditedChange }> = [];
  const refuse = (r: Refused) => {
    refused.push(r);
    changes.push({
      ctx: r.call.ctx,
      change: {
        event: 'order.allocation_refused',
        entityType: 'sales_order',
        entityId: r.order.id,
        reason: `INVENTORY_ALLOCATION failed: ${r.reason}`,
        after: { decisionId: r.decisionId, ...r.detail },
      },
    });
  };
  for (const call of calls) {
    const target = locked.get(call.orderId);
    let requests: AllocationRequest[];
    try {
      requests = allocatable(target, call.expectedVersion);
    } catch (error) {
      answers.push({ ok: false, error });
      continue;
    }
    const { order, context } = target!;
    const levels = [...new Set(requests.map((r) => r.itemId))].flatMap((itemId) =>
      context.locations.map((locationId) => ({ itemId, locationId, available: available.get(levelKey(itemId, locationId)) ?? 0 })),
    );
    const plan = planAllocation(requests, context.locations, levels, context.strategy);
    const gates = gatesOfOrder(order).INVENTORY_ALLOCATION ?? [];
    const rules = evaluateGates(gates, {
      creditLimitMinor: 0,
      exposureMinor: 0,
      orderTotalMinor: 0,
      marginBp: 0,
      paymentStatus: order.payment_status,
      paymentTerms: context.payment_terms ?? 'prepaid',
      fullyAllocated: plan.shortages.length === 0,
    });
    const failed = rules.filter((r) => !r.passed && r.type !== 'stock_cover');
    if (failed.length > 0) {
      const detail = failed.map((r) => `${r.type}: ${r.detail}`).join('; ');
      await openException(trx, call.ctx, {
        controlPoint: 'INVENTORY_ALLOCATION',
        category: failed[0]!.type,
        subjectType: 'sales_order',
        subjectId: order.id,
        orderId: order.id,
        channelId: order.channel_id,
        detail,
      });
      refuse({ call, order, rules, reason: detail, detail: { refused: detail }, decisionId: randomUUID() });
      answers.push({ ok: true, value: { shortages: [], refused: detail } });
      continue;
    }
    if (plan.shortages.length > 0) {
      const cases = await shortageCases(trx, call.ctx, order, plan.shortages, openCases(order.channel_id, context.shortage_cases));
      const shortage = { shortages: plan.shortages, exceptionCases: cases };
      refuse({ call, order, rules: [...rules, shortage], reason: 'insufficient stock', detail: shortage, decisionId: randomUUID() });
      answers.push({ ok: true, value: { shortages: plan.shortages } });
      continue;
    }
    for (const a of plan.allocations)
      available.set(levelKey(a.itemId, a.locationId), available.get(levelKey(a.itemId, a.locationId))! - a.qty);
    allocated.push({ index: answers.length, call, target: target!, plan: plan.allocations, rules });
    changes.push({
      ctx: call.ctx,
      change: { event: 'order.allocated', entityType: 'sales_order', entityId: order.id, after: { allocations: plan.allocations } },
    });
    answers.push({ ok: true, value: { shortages: [] } });
    // The same order again later in this batch sees itself allocated, as it would one transaction later.
    const perLine = quantityPerLine(plan.allocations);
    target!.lines = target!.lines.map((l) => ({ ...l, qty_allocated: l.qty_allocated + (perLine.get(l.id) ?? 0) }));
    target!.order = { ...order, version: order.version + 1 };
  }
  await writeDecisions(trx, allocated, refused);
  for (const { ctx, change } of changes) await recordChange(trx, ctx, change);
  // The views from what this transaction wrote: the locked rows as they will commit.
  for (const { index, target } of allocated)
    answers[index] = { ok: true, value: { shortages: [], view: orderView(target.order, target.lines, Number(target.context.open_holds)) } };
  // … then the counters: each conditional update both re-checks and takes the level's row lock, held to commit.
  await moveAllocatedCounters(
    trx,
    allocated.flatMap((a) => a.plan),
    locking,
  );
  return answers;
}

/** What of the order is still to allocate — or why this call cannot allocate it. */
function allocatable(target: Locked | undefined, expectedVersion: number | undefined): AllocationRequest[] {
  if (!target) throw notFound('order');
  const { order, lines } = target;
  if (expectedVersion !== undefined) assertVersion(order.version, expectedVersion);
  if (order.lifecycle !== 'submitted' && order.lifecycle !== 'released')
    throw new AppError('conflict', `A ${order.lifecycle} order cannot be allocated.`);
  const requests = lines.map((l) => ({ lineId: l.id, itemId: l.item_id, qty: unallocatedQty(quantitiesOf(l)) })).filter((r) => r.qty > 0);
  if (requests.length === 0) throw new AppError('conflict', 'Every line is already allocated or shipped.');
  return requests;
}

const quantityPerLine = (allocations: PlannedAllocation[]) => {
  const perLine = new Map<string, number>();
  for (const a of allocations) perLine.set(a.lineId, (perLine.get(a.lineId) ?? 0) + a.qty);
  return perLine;
};

/**
 * Every decision of the batch (passed and failed), and for the allocated orders their allocation rows, line
 * quantities, order events and versions — one statement, whatever the batch's size.
 */
async function writeDecisions(trx: Trx, allocated: Allocated[], refused: Refused[]): Promise<void> {
  const decisions = [
    ...allocated.map((a) => ({
      id: randomUUID(),
      ...decisionRow(a.call.ctx, {
        controlPoint: 'INVENTORY_ALLOCATION',
        subjectType: 'sales_order',
        subjectId: a.target.order.id,
        order: a.target.order,
        outcome: 'pass',
        rules: [...a.rules, { allocations: a.plan }],
      }),
    })),
    ...refused.map((r) => ({
      id: r.decisionId,
      ...decisionRow(r.call.ctx, {
        controlPoint: 'INVENTORY_ALLOCATION',
        subjectType: 'sales_order',
        subjectId: r.order.id,
        order: r.order,
        outcome: 'fail',
        rules: r.rules,
        reason: r.reason,
      }),
    })),
  ];
  if (decisions.length === 0) return;
  // Every insert goes through unnest: one parameter per column, so the statement is the same text (prepared,
  // planned once) whatever the batch's size.
  const parts = [sql`decisions as (${unnestInsert(trx, 'control_decisions', DECISION_COLUMNS, decisions)})`];
  if (allocated.length > 0) {
    const now = allocated[0]!.call.ctx.clock.now();
    const perLine = quantityPerLine(allocated.flatMap((a) => a.plan));
    parts.push(
      sql`allocated as (${unnestInsert(
        trx,
        'allocations',
        { order_line_id: 'uuid', item_id: 'uuid', location_id: 'uuid', qty: 'int', created_at: 'timestamptz' },
        allocated.flatMap((a) =>
          a.plan.map((p) => ({ order_line_id: p.lineId, item_id: p.itemId, location_id: p.locationId, qty: p.qty, created_at: now })),
        ),
      )})`,
      // `l.id = any(…)` lets the plan find the lines by index; joined to unnest alone it may scan them all.
      sql`lines as (update order_lines l set qty_allocated = l.qty_allocated + t.qty
                    from unnest(${[...perLine.keys()]}::uuid[], ${[...perLine.values()]}::int[]) as t(id, qty)
                    where l.id = t.id and l.id = any(${[...perLine.keys()]}::uuid[]))`,
      sql`events as (${unnestInsert(
        trx,
        'order_events',
        ORDER_EVENT_COLUMNS,
        allocated.map((a) => orderEventRow(a.call.ctx, a.target.order, 'allocated')),
      )})`,
      sql`bumped as (update sales_orders set version = version + 1 where id = any(${allocated.map((a) => a.target.order.id)}::uuid[]))`,
    );
  }
  await sql`with ${sql.join(parts)} select 1`.execute(trx);
}

async function moveAllocatedCounters(trx: Trx, allocations: PlannedAllocation[], locked: boolean): Promise<void> {
  const takes = levelTakes(allocations);
  const [only] = takes;
  if (!locked && takes.length === 1 && only) {
    // The common, hot case — one level: its conditional update goes into the commit statement, so the row is
    // locked for that statement and the commit only. (Several levels keep their (item, location) lock order below.)
    guardAtCommit(trx, {
      statement: sql`update stock_levels set allocated = allocated + ${only.qty}
                     where item_id = ${only.itemId} and location_id = ${only.locationId} and on_hand - allocated - quarantined >= ${only.qty}
                     returning item_id`,
      rows: 1,
      miss: () => new StockMoved(),
    });
    return;
  }
  for (const take of takes) {
    const updated = await sql`update stock_levels set allocated = allocated + ${take.qty}
                              where item_id = ${take.itemId} and location_id = ${take.locationId} and on_hand - allocated - quarantined >= ${take.qty}`.execute(
      trx,
    );
    if (Number(updated.numAffectedRows) === 1) continue;
    // Under FOR UPDATE the plan was made from the locked rows, so a miss there is a real inconsistency.
    if (locked) throw new AppError('conflict', 'Stock changed during allocation; try again.');
    throw new StockMoved();
  }
}

/**
 * The exception case of each short item in the order's channel. A shortage is a fact about the item's stock, not
 * about one order: the first shortage opens the item's case (routed, audited), every later one joins it while it
 * is open and is recorded by its own failed decision, which names the case. A hot item short for a thousand
 * orders is one case to work, not a thousand. Returns the case ids.
 */
async function shortageCases(
  trx: Trx,
  ctx: UseCaseContext,
  order: OrderRow,
  shortages: Shortage[],
  open: Array<{ itemId: string; id: string }>,
): Promise<string[]> {
  const ids: string[] = [];
  const items = [...new Set(shortages.map((s) => s.itemId))].sort();
  for (const itemId of items) {
    const known = open.find((c) => c.itemId === itemId);
    if (known) {
      ids.push(known.id);
      continue;
    }
    const opened = await openException(trx, ctx, {
      controlPoint: 'INVENTORY_ALLOCATION',
      category: 'stock_cover',
      subjectType: 'item',
      subjectId: itemId,
      orderId: order.id,
      channelId: order.channel_id,
      detail: `first short on order ${order.number}: ${shortageText(shortages.filter((s) => s.itemId === itemId))}; later shortages of this item in this channel join this case`,
    });
    ids.push(opened.id);
    open.push({ itemId, id: opened.id });
  }
  return ids;
}

type AllocationContext = {
  strategy: AllocationStrategy;
  locations: string[];
  payment_terms: GateFacts['paymentTerms'] | null;
  open_holds: string;
  levels: LevelAvailability[];
  shortage_cases: Array<{ itemId: string; id: string }>;
};

/**
 * One round trip: locks the orders (in id order), then their lines (the order every writer of an order locks
 * them in), and reads what allocation needs besides them — per order its channel's strategy and locations, terms,
 * open holds, the committed levels of its items, and the open shortage cases of those items in its channel
 * (which a shortage joins). Lines come back as JSON shaped like the driver's rows (bigint as text). The locks are
 * taken in the CTEs, which are materialized, so the order rows are locked before their lines. The lines are found
 * by the ids themselves (an index scan; through the CTE alone the planner guessed a seq scan) and kept to orders
 * that exist.
 */
async function lockAndRead(trx: Trx, orderIds: string[]): Promise<Map<string, Locked>> {
  const { rows } = await sql<OrderRow & AllocationContext & { locked_lines: OrderLineRow[] | null }>`
      with o as materialized (select * from sales_orders where id = any(${orderIds}::uuid[]) order by id for update),
      l as materialized (select * from order_lines where order_id = any(${orderIds}::uuid[]) and order_id in (select id from o) order by order_id, id for update)
      select o.*,
             (select json_agg(to_jsonb(l) || jsonb_build_object('unit_price_minor', l.unit_price_minor::text, 'unit_cost_minor', l.unit_cost_minor::text) order by l.id)
              from l where l.order_id = o.id) as locked_lines,
             c.allocation_strategy as strategy,
             coalesce((select array_agg(cl.location_id::text order by cl.position) from channel_locations cl where cl.channel_id = c.id), '{}') as locations,
             (select t.payment_terms from customer_terms t where t.account_id = o.account_id) as payment_terms,
             (select count(*) from holds h where h.order_id = o.id and h.released_at is null) as open_holds,
             coalesce((select json_agg(json_build_object('itemId', s.item_id, 'locationId', s.location_id, 'available', s.on_hand - s.allocated - s.quarantined))
                       from stock_levels s
                       where s.item_id in (select item_id from l where l.order_id = o.id)
                         and s.location_id in (select cl.location_id from channel_locations cl where cl.channel_id = c.id)), '[]') as levels,
             coalesce((select json_agg(json_build_object('itemId', e.subject_id, 'id', e.id))
                       from order_exceptions e
                       where e.subject_id in (select item_id from l where l.order_id = o.id) and e.control_point = 'INVENTORY_ALLOCATION'
                         and e.category = 'stock_cover' and e.status = 'open' and e.subject_type = 'item' and e.channel_id = c.id), '[]') as shortage_cases
      from o join channels c on c.id = o.channel_id`.execute(trx);
  const locked = new Map<string, Locked>();
  for (const { locked_lines, strategy, locations, payment_terms, open_holds, levels, shortage_cases, ...order } of rows)
    locked.set(order.id, {
      order,
      lines: (locked_lines ?? []).sort((a, b) => a.line_no - b.line_no),
      context: { strategy, locations, payment_terms, open_holds, levels, shortage_cases },
    });
  return locked;
}

const shortageText = (shortages: Shortage[]) =>
  shortages.map((s) => `line ${s.lineId.slice(0, 8)} short ${s.short}/${s.requested}`).join(', ');
