import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/platform/access/actor.js';
import { systemClock } from '../../src/platform/clock.js';
import { allocateOrder } from '../../src/orders/use-cases/allocate-order.js';
import { createOrder } from '../../src/orders/use-cases/create-order.js';
import { type TestDatabase, createTestDatabase } from '../support/test-db.js';
import { makeWorld } from './world.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

describe('allocations that arrive together', () => {
  it('commit in one transaction, each decided as if alone in arrival order, with its own answer, decision and audit row', async () => {
    const w = await makeWorld(database.db, systemClock, { stock: [3, 0] });
    const order = (qty: number) =>
      createOrder(w.ctx, { channelId: w.channel.id, accountId: w.accountId, lines: [{ itemId: w.item.id, qty, unitPriceMinor: 1000 }] });
    const [first, fits, stale, short, fitsToo] = [await order(1), await order(1), await order(1), await order(5), await order(1)];
    const alice = { ...w.ctx, actor: systemActor('alice') };
    const bob = { ...w.ctx, actor: systemActor('bob') };
    // All seven arrive in one turn of the event loop, so they form one batch.
    const settled = await Promise.allSettled([
      allocateOrder(alice, first!.id),
      allocateOrder(alice, fits!.id),
      allocateOrder(bob, randomUUID()),
      allocateOrder(bob, stale!.id, stale!.version + 1),
      allocateOrder(bob, short!.id),
      allocateOrder(alice, fits!.id),
      allocateOrder(bob, fitsToo!.id),
    ]);
    const answers = settled.map((s) => (s.status === 'fulfilled' ? s.value.fulfilmentStatus : (s.reason as { code: string }).code));
    expect(answers).toEqual(['allocated', 'allocated', 'not_found', 'precondition_failed', 'rule_violation', 'conflict', 'allocated']);

    const level = await database.db
      .selectFrom('stock_levels')
      .selectAll()
      .where('item_id', '=', w.item.id)
      .where('location_id', '=', w.a.id)
      .executeTakeFirstOrThrow();
    expect(level.allocated).toBe(3);
    const allocations = await database.db
      .selectFrom('allocations')
      .innerJoin('order_lines', 'order_lines.id', 'allocations.order_line_id')
      .select('order_lines.order_id')
      .where('allocations.item_id', '=', w.item.id)
      .execute();
    expect(allocations.map((a) => a.order_id).sort()).toEqual([first!.id, fits!.id, fitsToo!.id].sort());

    const decisions = await database.db
      .selectFrom('control_decisions')
      .select(['order_id', 'outcome', 'actor_label'])
      .where('control_point', '=', 'INVENTORY_ALLOCATION')
      .where('order_id', 'in', [first!.id, fits!.id, stale!.id, short!.id, fitsToo!.id])
      .execute();
    const byOrder = (rows: Array<{ order_id: string | null }>, id: string) => rows.filter((r) => r.order_id === id);
    expect(byOrder(decisions, fits!.id)).toEqual([{ order_id: fits!.id, outcome: 'pass', actor_label: 'alice' }]);
    expect(byOrder(decisions, fitsToo!.id)).toEqual([{ order_id: fitsToo!.id, outcome: 'pass', actor_label: 'bob' }]);
    expect(byOrder(decisions, short!.id)).toEqual([{ order_id: short!.id, outcome: 'fail', actor_label: 'bob' }]);
    expect(byOrder(decisions, stale!.id)).toEqual([]);

    const audit = await database.db
      .selectFrom('audit_events')
      .select(['entity_id', 'event_name', 'actor_label', 'xid'])
      .where('entity_type', '=', 'sales_order')
      .where('event_name', 'like', 'order.allocat%')
      .where('entity_id', 'in', [first!.id, fits!.id, stale!.id, short!.id, fitsToo!.id])
      .execute();
    const event = (id: string) => audit.filter((a) => a.entity_id === id);
    expect(event(fits!.id).map((a) => [a.event_name, a.actor_label])).toEqual([['order.allocated', 'alice']]);
    expect(event(fitsToo!.id).map((a) => [a.event_name, a.actor_label])).toEqual([['order.allocated', 'bob']]);
    expect(event(short!.id).map((a) => [a.event_name, a.actor_label])).toEqual([['order.allocation_refused', 'bob']]);
    expect(event(stale!.id)).toEqual([]);
    // One transaction for the batch, another for the call that ran alone.
    const batchXid = event(fits!.id)[0]!.xid;
    expect(event(fitsToo!.id)[0]!.xid).toBe(batchXid);
    expect(event(short!.id)[0]!.xid).toBe(batchXid);
    expect(event(first!.id)[0]!.xid).toBe(batchXid);
    const outbox = await database.db
      .selectFrom('outbox_events')
      .select('aggregate_id')
      .where('event_type', '=', 'order.allocated')
      .where('aggregate_id', 'in', [fits!.id, fitsToo!.id])
      .execute();
    expect(outbox).toHaveLength(2);
  });

  it('a batch that fails as a whole is answered call by call, so one order’s error stays that order’s', async () => {
    const w = await makeWorld(database.db, systemClock, { stock: [5, 0] });
    const order = () =>
      createOrder(w.ctx, { channelId: w.channel.id, accountId: w.accountId, lines: [{ itemId: w.item.id, qty: 1, unitPriceMinor: 1000 }] });
    const [first, good, alsoGood] = [await order(), await order(), await order()];
    // Not a uuid: the batch's one lookup statement fails for everyone, then each call runs alone.
    const settled = await Promise.allSettled([first!.id, good!.id, 'not-a-uuid', alsoGood!.id].map((id) => allocateOrder(w.ctx, id)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const level = await database.db
      .selectFrom('stock_levels')
      .select('allocated')
      .where('item_id', '=', w.item.id)
      .where('location_id', '=', w.a.id)
      .executeTakeFirstOrThrow();
    expect(level.allocated).toBe(3);
  });
});
