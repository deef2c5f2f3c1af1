import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/identity/use-cases/create-user.js';
import type { Actor } from '../../src/platform/access/actor.js';
import { systemClock } from '../../src/platform/clock.js';
import type { UseCaseContext } from '../../src/platform/use-case-context.js';
import { allocateOrder } from '../../src/orders/use-cases/allocate-order.js';
import { authorizeReturn } from '../../src/orders/use-cases/authorize-return.js';
import { confirmShipment } from '../../src/orders/use-cases/confirm-shipment.js';
import { createOrder } from '../../src/orders/use-cases/create-order.js';
import { createRebateProgram } from '../../src/orders/use-cases/create-rebate-program.js';
import { createShipment } from '../../src/orders/use-cases/create-shipment.js';
import { detectStockDrift } from '../../src/orders/use-cases/detect-stock-drift.js';
import { postCreditMemo } from '../../src/orders/use-cases/post-credit-memo.js';
import { postInvoice } from '../../src/orders/use-cases/post-invoice.js';
import { receiveReturn } from '../../src/orders/use-cases/receive-return.js';
import { releaseHold } from '../../src/orders/use-cases/release-hold.js';
import { releaseOrder } from '../../src/orders/use-cases/release-order.js';
import { type TestDatabase, createTestDatabase } from '../support/test-db.js';
import { makeWorld } from './world.js';

let database: TestDatabase;
let opsCtx: UseCaseContext;
let financeCtx: UseCaseContext;
beforeAll(async () => {
  database = await createTestDatabase();
  const sys: UseCaseContext = { db: database.db, clock: systemClock, actor: { kind: 'system', role: 'admin', partnerId: null, label: 'test' } };
  const asUser = async (role: 'ops' | 'finance'): Promise<UseCaseContext> => {
    const u = await createUser(sys, { email: `${role}@orders.test`, name: role, role });
    const actor: Actor = { kind: 'user', userId: u.id, role, partnerId: null, label: u.email, via: 'token' };
    return { db: database.db, clock: systemClock, actor };
  };
  opsCtx = await asUser('ops');
  financeCtx = await asUser('finance');
});
afterAll(() => database.close());

const decisions = (orderId: string) => database.db.selectFrom('control_decisions').select(['control_point', 'outcome']).where('order_id', '=', orderId).orderBy('at').orderBy('id').execute();

describe('order to cash to credit', () => {
  it('holds a release on the credit limit, releases the hold as an override, ships partially, invoices on shipment, returns and credits', async () => {
    const w = await makeWorld(database.db, systemClock, { stock: [5, 3], creditLimitMinor: 5000 });
    await createRebateProgram(w.ctx, { name: 'Gold', tier: 'gold', rateBp: 200, validFrom: new Date('2020-01-01') });
    const order = await createOrder(opsCtx, { channelId: w.channel.id, accountId: w.accountId, lines: [{ itemId: w.item.id, qty: 6, unitPriceMinor: 1000 }] });
    expect(order).toMatchObject({ status: 'awaiting_release', taxRateBp: 1000, workflowVersion: 1 });

    await allocateOrder(opsCtx, order.id);
    const held = await releaseOrder(w.ctx, order.id);
    expect(held.decision.outcome).toBe('hold');
    expect(held.order.status).toBe('on_hold');
    const holds = await database.db.selectFrom('holds').selectAll().where('order_id', '=', order.id).execute();
    expect(holds.map((h) => h.type)).toEqual(['credit_limit']);
    await expect(releaseHold(opsCtx, holds[0]!.id, 'I created it')).rejects.toMatchObject({ code: 'rule_violation' });
    await releaseHold(financeCtx, holds[0]!.id, 'customer paid a deposit');
    const released = await releaseOrder(w.ctx, order.id);
    expect(released.decision.outcome).toBe('override');
    expect(released.order.status).toBe('allocated');

    const allocations = await database.db.selectFrom('allocations').selectAll().where('order_line_id', '=', order.lines[0]!.id).where('location_id', '=', w.a.id).execute();
    const shipment = await createShipment(opsCtx, { orderId: order.id, lines: [{ allocationId: allocations[0]!.id, qty: 4 }] });
    await expect(postInvoice(financeCtx, { orderId: order.id })).rejects.toMatchObject({ code: 'rule_violation' });
    await confirmShipment(opsCtx, shipment.id);
    await expect(confirmShipment(opsCtx, shipment.id)).rejects.toMatchObject({ code: 'conflict' });
    const level = await database.db.selectFrom('stock_levels').selectAll().where('item_id', '=', w.item.id).where('location_id', '=', w.a.id).executeTakeFirstOrThrow();
    expect(level).toMatchObject({ on_hand: 1, allocated: 1 });

    const invoice = await postInvoice(financeCtx, { orderId: order.id, shipmentId: shipment.id });
    expect(invoice).toMatchObject({ netMinor: 4000, taxMinor: 400, totalMinor: 4400 });
    expect(invoice.lines[0]).toMatchObject({ qty: 4, costMinor: 2400, rebateMinor: 80 });

    await expect(authorizeReturn(opsCtx, { orderId: order.id, locationId: w.b.id, reason: 'damaged', lines: [{ orderLineId: order.lines[0]!.id, qty: 5 }] })).rejects.toMatchObject({ code: 'validation_failed' });
    const ra = await authorizeReturn(opsCtx, { orderId: order.id, locationId: w.b.id, reason: 'damaged', lines: [{ orderLineId: order.lines[0]!.id, qty: 2 }] });
    await expect(postCreditMemo(financeCtx, { kind: 'goods', orderId: order.id, returnId: ra.id, lines: [{ orderLineId: order.lines[0]!.id, qty: 1 }] })).rejects.toMatchObject({ code: 'validation_failed' });
    await receiveReturn(opsCtx, ra.id, undefined, { lines: [{ returnLineId: ra.lines[0]!.id, restock: 0, quarantine: 1, scrap: 1 }] });
    const bLevel = await database.db.selectFrom('stock_levels').selectAll().where('item_id', '=', w.item.id).where('location_id', '=', w.b.id).executeTakeFirstOrThrow();
    expect(bLevel).toMatchObject({ on_hand: 4, quarantined: 1, allocated: 1 });
    await expect(postCreditMemo(financeCtx, { kind: 'goods', orderId: order.id, returnId: ra.id, lines: [{ orderLineId: order.lines[0]!.id, qty: 3 }] })).rejects.toMatchObject({ code: 'validation_failed' });
    const memo = await postCreditMemo(financeCtx, { kind: 'goods', orderId: order.id, returnId: ra.id, lines: [{ orderLineId: order.lines[0]!.id, qty: 2 }] });
    expect(memo).toMatchObject({ netMinor: 2000, taxMinor: 200, totalMinor: 2200 });
    await expect(postCreditMemo(opsCtx, { kind: 'price', orderId: order.id, reasonCode: 'goodwill', lines: [{ orderLineId: order.lines[0]!.id, amountMinor: 100 }] })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(postCreditMemo(financeCtx, { kind: 'price', orderId: order.id, reasonCode: 'goodwill', lines: [{ orderLineId: order.lines[0]!.id, amountMinor: 2001 }] })).rejects.toMatchObject({ code: 'validation_failed' });
    await postCreditMemo(financeCtx, { kind: 'price', orderId: order.id, reasonCode: 'goodwill', lines: [{ orderLineId: order.lines[0]!.id, amountMinor: 2000 }] });

    expect(await decisions(order.id)).toEqual([
      { control_point: 'INVENTORY_ALLOCATION', outcome: 'pass' },
      { control_point: 'ORDER_RELEASE', outcome: 'hold' },
      { control_point: 'ORDER_RELEASE', outcome: 'override' },
      { control_point: 'SHIPMENT_CONFIRMATION', outcome: 'pass' },
      { control_point: 'INVOICE_GENERATION', outcome: 'pass' },
      { control_point: 'RETURN_AUTHORIZATION', outcome: 'pass' },
      { control_point: 'CREDIT_MEMO', outcome: 'pass' },
      { control_point: 'CREDIT_MEMO', outcome: 'pass' },
    ]);
    const line = await database.db.selectFrom('order_lines').selectAll().where('id', '=', order.lines[0]!.id).executeTakeFirstOrThrow();
    expect(line).toMatchObject({ qty_ordered: 6, qty_allocated: 2, qty_shipped: 4, qty_invoiced: 4, qty_return_authorized: 2, qty_return_received: 2, qty_credited: 2 });
    expect(await detectStockDrift(w.ctx)).toEqual([]);
  });

  it('invoices on order when the channel says so, and closes the order when shipped and billed', async () => {
    const w = await makeWorld(database.db, systemClock, { stock: [5, 0], invoicePolicy: 'on_order' });
    const order = await createOrder(opsCtx, { channelId: w.channel.id, accountId: w.accountId, region: 'West', paymentStatus: 'paid', lines: [{ itemId: w.item.id, qty: 3, unitPriceMinor: 999 }] });
    expect(order.taxRateBp).toBe(825);
    await allocateOrder(opsCtx, order.id);
    expect((await releaseOrder(w.ctx, order.id)).decision.outcome).toBe('pass');
    const invoice = await postInvoice(financeCtx, { orderId: order.id });
    expect(invoice).toMatchObject({ netMinor: 2997, taxMinor: 247, totalMinor: 3244 });
    const [alloc] = await database.db.selectFrom('allocations').selectAll().where('order_line_id', '=', order.lines[0]!.id).execute();
    const s = await createShipment(opsCtx, { orderId: order.id, lines: [{ allocationId: alloc!.id, qty: 3 }] });
    await confirmShipment(opsCtx, s.id);
    const closed = await database.db.selectFrom('sales_orders').select('lifecycle').where('id', '=', order.id).executeTakeFirstOrThrow();
    expect(closed.lifecycle).toBe('closed');
  });

  it('refuses bad input with clear errors and writes nothing', async () => {
    const w = await makeWorld(database.db, systemClock, { stock: [2, 0] });
    await expect(createOrder(opsCtx, { channelId: w.channel.id, accountId: w.accountId, lines: [{ itemId: '00000000-0000-4000-8000-000000000000', qty: 1, unitPriceMinor: 1 }] })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(createOrder(opsCtx, { channelId: w.channel.id, accountId: w.accountId, lines: [{ itemId: w.item.id, qty: 1 }] })).rejects.toMatchObject({ code: 'validation_failed' });
    const order = await createOrder(opsCtx, { channelId: w.channel.id, accountId: w.accountId, lines: [{ itemId: w.item.id, qty: 2, unitPriceMinor: 500 }] });
    await expect(createShipment(opsCtx, { orderId: order.id, lines: [{ allocationId: '00000000-0000-4000-8000-000000000000', qty: 1 }] })).rejects.toMatchObject({ code: 'conflict' });
    await expect(releaseOrder(w.ctx, order.id, 99)).rejects.toMatchObject({ code: 'precondition_failed' });
    expect(await decisions(order.id)).toEqual([]);
  });
});
