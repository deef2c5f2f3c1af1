import { sql } from 'kysely';
import { assertCan } from '../../platform/access/can.js';
import type { Trx } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { guardAtCommit } from '../../platform/pre-commit.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import {
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
  type OrderLineRow,
  type OrderRow,
  decisionInsert,
  gatesOfOrder,
  openException,
  orderEventInsert,
  quantitiesOf,
  writeDecision,
} from '../store.js';
import { type OrderView, orderView } from '../views.js';

/** Optimistic attempts before an allocation plans under row locks instead (a level moved under each of them). */
const OPTIMISTIC_ATTEMPTS = 3;

/** A conditional counter update found less stock than the plan was made from; the transaction rolls back. */
class StockMoved extends Error {}

type Outcome = { shortages: Shortage[]; refused?: string; view?: OrderView };

/**
 * INVENTORY_ALLOCATION: every unallocated quantity of the order, split across the channel's locations, all or
 * nothing.
 *
 * The order and its lines are locked and everything else allocation reads comes back in one statement; the
 * plan is made from committed stock without locking it, and everything that does not need the stock rows —
 * allocation rows, line quantities, the decision, the event, the version — is written first, in one statement.
 * The counters move last, one conditional `UPDATE … WHERE available >= q` per level in (item, location) order:
 * that re-check IS the lock, so a hot level's row is held only from that statement to commit, not across the
 * whole use case; a single level's update is part of the commit statement itself (a commit guard). If a level no longer covers its share the whole
 * transaction rolls back (nothing was written) and the allocation is planned again from what is now committed;
 * after OPTIMISTIC_ATTEMPTS it plans under `FOR UPDATE` locks, where the update cannot miss. The no-oversell
 * CHECK on stock_levels backs all of this up.
 *
 * A shortage seen in committed stock is a true answer at that moment and is refused without queueing on the
 * stock rows: it commits only the failed decision (and, for the first shortage of an item, the item's exception
 * case — see shortageCases), then answers 422.
 */
export async function allocateOrder(ctx: UseCaseContext, orderId: string, expectedVersion?: number): Promise<OrderView> {
  assertCan(ctx.actor, 'order.write');
  let outcome: Outcome | undefined;
  for (let attempt = 1; !outcome; attempt++) {
    const locking = attempt > OPTIMISTIC_ATTEMPTS;
    try {
      outcome = await inTransaction(ctx, (trx) => allocateIn(trx, ctx, orderId, expectedVersion, locking));
    } catch (error) {
      if (!(error instanceof StockMoved) || locking) throw error;
    }
  }
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

async function allocateIn(
  trx: Trx,
  ctx: UseCaseContext,
  orderId: string,
  expectedVersion: number | undefined,
  locking: boolean,
): Promise<Outcome> {
  const locked = await lockAndRead(trx, orderId);
  if (!locked) throw notFound('order');
  const { order, lines, context } = locked;
  if (expectedVersion !== undefined) assertVersion(order.version, expectedVersion);
  if (order.lifecycle !== 'submitted' && order.lifecycle !== 'released')
    throw new AppError('conflict', `A ${order.lifecycle} order cannot be allocated.`);
  const requests = lines.map((l) => ({ lineId: l.id, itemId: l.item_id, qty: unallocatedQty(quantitiesOf(l)) })).filter((r) => r.qty > 0);
  if (requests.length === 0) throw new AppError('conflict', 'Every line is already allocated or shipped.');
  const itemIds = [...new Set(requests.map((r) => r.itemId))];
  const locations = context.locations;
  const planFor = (levels: LevelAvailability[]) => planAllocation(requests, locations, levels, context.strategy);
  // A shortage seen in committed data is already a true answer, so it is refused without queueing on the stock
  // rows. In the locking fallback, a plan that fits is re-made under the row locks before any counter moves.
  let plan = planFor(context.levels);
  if (locking && plan.shortages.length === 0) {
    const lockedLevels = await trx
      .selectFrom('stock_levels')
      .selectAll()
      .where('item_id', 'in', itemIds)
      .where('location_id', 'in', locations)
      .orderBy('item_id')
      .orderBy('location_id')
      .forUpdate()
      .execute();
    plan = planFor(
      lockedLevels.map((l) => ({ itemId: l.item_id, locationId: l.location_id, available: l.on_hand - l.allocated - l.quarantined })),
    );
  }
  const gates = gatesOfOrder(order).INVENTORY_ALLOCATION ?? [];
  const facts = {
    creditLimitMinor: 0,
    exposureMinor: 0,
    orderTotalMinor: 0,
    marginBp: 0,
    paymentStatus: order.payment_status,
    paymentTerms: context.payment_terms ?? 'prepaid',
    fullyAllocated: plan.shortages.length === 0,
  };
  const rules = evaluateGates(gates, facts);
  const refused = rules.filter((r) => !r.passed && r.type !== 'stock_cover');
  if (refused.length > 0) {
    const detail = refused.map((r) => `${r.type}: ${r.detail}`).join('; ');
    await refuse(trx, ctx, order, rules, detail, { refused: detail });
    await openException(trx, ctx, {
      controlPoint: 'INVENTORY_ALLOCATION',
      category: refused[0]!.type,
      subjectType: 'sales_order',
      subjectId: order.id,
      orderId: order.id,
      channelId: order.channel_id,
      detail,
    });
    return { shortages: [], refused: detail };
  }
  if (plan.shortages.length > 0) {
    const cases = await shortageCases(trx, ctx, order, plan.shortages, context.shortage_cases);
    const shortage = { shortages: plan.shortages, exceptionCases: cases };
    await refuse(trx, ctx, order, [...rules, shortage], 'insufficient stock', shortage);
    return { shortages: plan.shortages };
  }
  // Everything that does not touch a stock row first, in one statement …
  const now = ctx.clock.now();
  const perLine = new Map<string, number>();
  for (const a of plan.allocations) perLine.set(a.lineId, (perLine.get(a.lineId) ?? 0) + a.qty);
  const written = (
    await sql<{ version: number; lines: Array<[string, number]> }>`
      with allocated as (${trx.insertInto('allocations').values(
        plan.allocations.map((a) => ({
          order_line_id: a.lineId,
          item_id: a.itemId,
          location_id: a.locationId,
          qty: a.qty,
          created_at: now,
        })),
      )}),
      lines as (update order_lines l set qty_allocated = l.qty_allocated + t.qty
                from unnest(${[...perLine.keys()]}::uuid[], ${[...perLine.values()]}::int[]) as t(id, qty)
                where l.id = t.id returning l.id, l.qty_allocated),
      decision as (${decisionInsert(trx, ctx, {
        controlPoint: 'INVENTORY_ALLOCATION',
        subjectType: 'sales_order',
        subjectId: order.id,
        order,
        outcome: 'pass',
        rules: [...rules, { allocations: plan.allocations }],
      })}),
      event as (${orderEventInsert(trx, ctx, order, 'allocated')}),
      bumped as (update sales_orders set version = version + 1 where id = ${order.id} returning version)
      select bumped.version, (select json_agg(json_build_array(lines.id, lines.qty_allocated)) from lines) as lines from bumped`.execute(
      trx,
    )
  ).rows[0]!;
  await recordChange(trx, ctx, {
    event: 'order.allocated',
    entityType: 'sales_order',
    entityId: order.id,
    after: { allocations: plan.allocations },
  });
  // The view from what the writes return: the same rows getOrderIn would read back (both rows are locked).
  const allocatedQty = new Map(written.lines);
  const view = orderView(
    { ...order, version: written.version },
    lines.map((l) => ({ ...l, qty_allocated: allocatedQty.get(l.id) ?? l.qty_allocated })),
    Number(context.open_holds),
  );
  // … then the counters: each conditional update both re-checks and takes the level's row lock, held to commit.
  await moveAllocatedCounters(trx, plan.allocations, locking);
  return { shortages: [], view };
}

/**
 * A refused allocation's failed decision. It changes no stock, but it is a decision someone made the system take:
 * audited and emitted like any write.
 */
async function refuse(trx: Trx, ctx: UseCaseContext, order: OrderRow, rules: unknown[], reason: string, detail: Record<string, unknown>) {
  const decision = await writeDecision(trx, ctx, {
    controlPoint: 'INVENTORY_ALLOCATION',
    subjectType: 'sales_order',
    subjectId: order.id,
    order,
    outcome: 'fail',
    rules,
    reason,
  });
  await recordChange(trx, ctx, {
    event: 'order.allocation_refused',
    entityType: 'sales_order',
    entityId: order.id,
    reason: `INVENTORY_ALLOCATION failed: ${reason}`,
    after: { decisionId: decision.id, ...detail },
  });
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
 * One round trip: locks the order, then its lines (the order every writer of an order locks them in), and reads
 * what allocation needs besides them — strategy, locations, terms, open holds, the committed levels of the
 * order's items, and the open shortage cases of those items in the channel (which a shortage joins). Lines come
 * back as JSON shaped like the driver's rows (bigint as text). The locks are taken in the CTEs, which are
 * materialized, so the order row is locked before its lines.
 */
async function lockAndRead(
  trx: Trx,
  orderId: string,
): Promise<{ order: OrderRow; lines: OrderLineRow[]; context: AllocationContext } | undefined> {
  const row = (
    await sql<OrderRow & AllocationContext & { locked_lines: OrderLineRow[] }>`
      with o as materialized (select * from sales_orders where id = ${orderId} for update),
      l as materialized (select * from order_lines where order_id = (select id from o) order by id for update)
      select o.*,
             (select json_agg(to_jsonb(l) || jsonb_build_object('unit_price_minor', l.unit_price_minor::text, 'unit_cost_minor', l.unit_cost_minor::text) order by l.id)
              from l) as locked_lines,
             c.allocation_strategy as strategy,
             coalesce((select array_agg(cl.location_id::text order by cl.position) from channel_locations cl where cl.channel_id = c.id), '{}') as locations,
             (select t.payment_terms from customer_terms t where t.account_id = o.account_id) as payment_terms,
             (select count(*) from holds h where h.order_id = o.id and h.released_at is null) as open_holds,
             coalesce((select json_agg(json_build_object('itemId', s.item_id, 'locationId', s.location_id, 'available', s.on_hand - s.allocated - s.quarantined))
                       from stock_levels s
                       where s.item_id in (select item_id from l) and s.location_id in (select cl.location_id from channel_locations cl where cl.channel_id = c.id)), '[]') as levels,
             coalesce((select json_agg(json_build_object('itemId', e.subject_id, 'id', e.id))
                       from order_exceptions e
                       where e.subject_id in (select item_id from l) and e.control_point = 'INVENTORY_ALLOCATION' and e.category = 'stock_cover'
                         and e.status = 'open' and e.subject_type = 'item' and e.channel_id = c.id), '[]') as shortage_cases
      from o join channels c on c.id = o.channel_id`.execute(trx)
  ).rows[0];
  if (!row) return undefined;
  const { locked_lines, strategy, locations, payment_terms, open_holds, levels, shortage_cases, ...order } = row;
  return {
    order,
    lines: (locked_lines ?? []).sort((a, b) => a.line_no - b.line_no),
    context: { strategy, locations, payment_terms, open_holds, levels, shortage_cases },
  };
}

const shortageText = (shortages: Shortage[]) =>
  shortages.map((s) => `line ${s.lineId.slice(0, 8)} short ${s.short}/${s.requested}`).join(', ');
