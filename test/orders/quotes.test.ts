import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/platform/clock.js';
import { acceptQuote } from '../../src/orders/use-cases/accept-quote.js';
import { createPriceList } from '../../src/orders/use-cases/create-price-list.js';
import { createQuote } from '../../src/orders/use-cases/create-quote.js';
import { approvePurchaseOrder } from '../../src/orders/use-cases/approve-purchase-order.js';
import { createPurchaseOrder } from '../../src/orders/use-cases/create-purchase-order.js';
import { receiveGoods } from '../../src/orders/use-cases/receive-goods.js';
import { receiveTransfer } from '../../src/orders/use-cases/receive-transfer.js';
import { shipTransfer } from '../../src/orders/use-cases/ship-transfer.js';
import { detectStockDrift } from '../../src/orders/use-cases/detect-stock-drift.js';
import { type TestDatabase, createTestDatabase } from '../support/test-db.js';
import { makeWorld } from './world.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

const level = (itemId: string, locationId: string) => database.db.selectFrom('stock_levels').selectAll().where('item_id', '=', itemId).where('location_id', '=', locationId).executeTakeFirst();

describe('quotes, purchasing and transfers', () => {
  it('snapshots tier prices with quantity breaks on the quote, keeps them on acceptance, and refuses an expired quote', async () => {
    const clock = fixedClock(new Date('2026-05-01T10:00:00Z'));
    const w = await makeWorld(database.db, clock);
    await createPriceList(w.ctx, { name: 'All', currency: 'USD', channelId: w.channel.id, validFrom: new Date('2026-01-01'), priority: 0, items: [{ itemId: w.item.id, minQuantity: 1, unitPriceMinor: 1200 }] });
    await createPriceList(w.ctx, {
      name: 'Gold',
      currency: 'USD',
      channelId: w.channel.id,
      tier: 'gold',
      validFrom: new Date('2026-01-01'),
      validTo: new Date('2026-12-31'),
      priority: 0,
      items: [
        { itemId: w.item.id, minQuantity: 1, unitPriceMinor: 1100 },
        { itemId: w.item.id, minQuantity: 5, unitPriceMinor: 1000 },
      ],
    });
    const quote = await createQuote(w.ctx, { channelId: w.channel.id, accountId: w.accountId, validUntil: new Date('2026-05-10T00:00:00Z'), lines: [{ itemId: w.item.id, qty: 5 }, { itemId: w.item.id, qty: 2 }] });
    expect(quote.lines.map((l) => l.unitPriceMinor)).toEqual([1000, 1100]);
    await createPriceList(w.ctx, { name: 'Gold 2', currency: 'USD', channelId: w.channel.id, tier: 'gold', validFrom: new Date('2026-05-01T11:00:00Z'), priority: 5, items: [{ itemId: w.item.id, minQuantity: 1, unitPriceMinor: 1 }] });
    clock.set(new Date('2026-05-02T00:00:00Z'));
    const order = await acceptQuote(w.ctx, quote.id, quote.version);
    expect(order.lines.map((l) => l.unitPriceMinor)).toEqual([1000, 1100]);
    expect(order.quoteId).toBe(quote.id);
    await expect(acceptQuote(w.ctx, quote.id)).rejects.toMatchObject({ code: 'conflict' });

    const late = await createQuote(w.ctx, { channelId: w.channel.id, accountId: w.accountId, validUntil: new Date('2026-05-03T00:00:00Z'), lines: [{ itemId: w.item.id, qty: 1 }] });
    clock.set(new Date('2026-05-04T00:00:00Z'));
    await expect(acceptQuote(w.ctx, late.id)).rejects.toMatchObject({ code: 'rule_violation' });
    expect((await database.db.selectFrom('quotes').select('status').where('id', '=', late.id).executeTakeFirstOrThrow()).status).toBe('expired');
  });

  it('raises incoming on ordering, needs a second person above the threshold, and receives no more than ordered', async () => {
    const w = await makeWorld(database.db, fixedClock(new Date('2026-05-01T10:00:00Z')), { stock: [0, 0] });
    const small = await createPurchaseOrder(w.ctx, { supplier: 'Acme', locationId: w.a.id, lines: [{ itemId: w.item.id, qty: 10, unitCostMinor: 500 }] });
    expect(small.status).toBe('ordered');
    expect((await level(w.item.id, w.a.id))?.incoming).toBe(10);
    await expect(receiveGoods(w.ctx, { purchaseOrderId: small.id, lines: [{ lineId: small.lines[0]!.id, qty: 11 }] })).rejects.toMatchObject({ code: 'validation_failed' });
    await receiveGoods(w.ctx, { purchaseOrderId: small.id, lines: [{ lineId: small.lines[0]!.id, qty: 4 }] });
    expect(await level(w.item.id, w.a.id)).toMatchObject({ on_hand: 4, incoming: 6 });
    const big = await createPurchaseOrder(w.ctx, { supplier: 'Acme', locationId: w.a.id, lines: [{ itemId: w.item.id, qty: 1000, unitCostMinor: 600 }] });
    expect(big.status).toBe('pending_approval');
    await expect(receiveGoods(w.ctx, { purchaseOrderId: big.id, lines: [{ lineId: big.lines[0]!.id, qty: 1 }] })).rejects.toMatchObject({ code: 'conflict' });
    expect((await approvePurchaseOrder(w.ctx, big.id, big.version)).status).toBe('ordered');
    expect((await level(w.item.id, w.a.id))?.incoming).toBe(1006);
  });

  it('ships a transfer into in-transit and receives no more than shipped', async () => {
    const w = await makeWorld(database.db, fixedClock(new Date('2026-05-01T10:00:00Z')), { stock: [5, 0] });
    await expect(shipTransfer(w.ctx, { fromLocationId: w.a.id, toLocationId: w.b.id, transitLocationId: w.transit.id, lines: [{ itemId: w.item.id, qty: 6 }] })).rejects.toMatchObject({ code: 'rule_violation' });
    const t = await shipTransfer(w.ctx, { fromLocationId: w.a.id, toLocationId: w.b.id, transitLocationId: w.transit.id, lines: [{ itemId: w.item.id, qty: 3 }] });
    expect((await level(w.item.id, w.transit.id))?.on_hand).toBe(3);
    await expect(receiveTransfer(w.ctx, t.id, { lines: [{ lineId: t.lines[0]!.id, qty: 4 }] })).rejects.toMatchObject({ code: 'validation_failed' });
    expect((await receiveTransfer(w.ctx, t.id, { lines: [{ lineId: t.lines[0]!.id, qty: 2 }] })).status).toBe('partially_received');
    expect((await receiveTransfer(w.ctx, t.id, { lines: [{ lineId: t.lines[0]!.id, qty: 1 }] })).status).toBe('received');
    expect(await level(w.item.id, w.b.id)).toMatchObject({ on_hand: 3 });
    expect(await level(w.item.id, w.a.id)).toMatchObject({ on_hand: 2 });
    expect(await detectStockDrift(w.ctx)).toEqual([]);
  });
});
