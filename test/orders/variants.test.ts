import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/platform/clock.js';
import { activateVariant } from '../../src/orders/use-cases/activate-variant.js';
import { allocateOrder } from '../../src/orders/use-cases/allocate-order.js';
import { createOrder } from '../../src/orders/use-cases/create-order.js';
import { createVariant } from '../../src/orders/use-cases/create-variant.js';
import { listVariants } from '../../src/orders/use-cases/list-variants.js';
import { releaseOrder } from '../../src/orders/use-cases/release-order.js';
import { createUser } from '../../src/identity/use-cases/create-user.js';
import { type TestDatabase, createTestDatabase } from '../support/test-db.js';
import { makeWorld } from './world.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

describe('governed variants on a real database', () => {
  it('pins each order to the workflow it started on; an expired variant falls back to the standard for new orders only', async () => {
    const clock = fixedClock(new Date('2026-03-01T09:00:00Z'));
    const w = await makeWorld(database.db, clock, { stock: [20, 0] });
    const owner = await createUser(w.ctx, { email: 'owner@variants.test', name: 'Owner', role: 'ops' });
    const order = (paid = true) => createOrder(w.ctx, { channelId: w.channel.id, accountId: w.accountId, paymentStatus: paid ? 'paid' : 'unpaid', lines: [{ itemId: w.item.id, qty: 1, unitPriceMinor: 1000 }] });

    const before = await order();
    const variant = await createVariant(w.ctx, {
      channelId: w.channel.id,
      overlay: { ORDER_RELEASE: [{ type: 'manual_approval', version: 1 }, { type: 'payment_status', version: 1, requirePaid: true }] },
      ownerId: owner.id,
      rationale: 'marketplace fraud wave',
      supportModel: 'ops desk',
      reviewBy: new Date('2026-04-01T00:00:00Z'),
    });
    await activateVariant(w.ctx, variant.id);
    const during = await order();
    expect(before.variantId).toBeNull();
    expect(during.variantId).toBe(variant.id);

    await allocateOrder(w.ctx, before.id);
    await allocateOrder(w.ctx, during.id);
    expect((await releaseOrder(w.ctx, before.id)).decision.outcome).toBe('pass');
    const held = await releaseOrder(w.ctx, during.id);
    expect(held.decision.outcome).toBe('hold');
    expect((held.decision.rules as Array<{ type: string; passed: boolean }>).filter((r) => !r.passed).map((r) => r.type)).toEqual(['manual_approval']);

    clock.set(new Date('2026-04-02T00:00:00Z'));
    const after = await order();
    expect(after.variantId).toBeNull();
    const stillPinned = await releaseOrder(w.ctx, during.id);
    expect(stillPinned.decision.outcome).toBe('hold');
    const registry = await listVariants(w.ctx);
    expect(registry.variants.find((v) => v.id === variant.id)).toMatchObject({ expired: true, orders: 1, exceptions: 1, exceptionRate: 1 });
    const decisions = await database.db.selectFrom('control_decisions').select(['order_id', 'variant_id']).where('order_id', 'in', [before.id, during.id]).where('control_point', '=', 'ORDER_RELEASE').execute();
    expect(decisions.filter((d) => d.order_id === during.id).every((d) => d.variant_id === variant.id)).toBe(true);
    expect(decisions.filter((d) => d.order_id === before.id).every((d) => d.variant_id === null)).toBe(true);
  });

  it('a variant gate at a document control point refuses the crossing, records the failure and opens a case', async () => {
    const w = await makeWorld(database.db, fixedClock(new Date('2026-03-01T09:00:00Z')), { stock: [5, 0], paymentTerms: 'prepaid' });
    const owner = await createUser(w.ctx, { email: 'owner2@variants.test', name: 'Owner 2', role: 'ops' });
    const variant = await createVariant(w.ctx, { channelId: w.channel.id, overlay: { INVENTORY_ALLOCATION: [{ type: 'payment_status', version: 1, requirePaid: true }] }, ownerId: owner.id, rationale: 'marketplace chargebacks', supportModel: 'ops desk', reviewBy: new Date('2026-06-01T00:00:00Z') });
    await activateVariant(w.ctx, variant.id);
    const unpaid = await createOrder(w.ctx, { channelId: w.channel.id, accountId: w.accountId, lines: [{ itemId: w.item.id, qty: 1, unitPriceMinor: 1000 }] });
    await expect(allocateOrder(w.ctx, unpaid.id)).rejects.toMatchObject({ code: 'rule_violation' });
    const level = await database.db.selectFrom('stock_levels').select('allocated').where('item_id', '=', w.item.id).where('location_id', '=', w.a.id).executeTakeFirstOrThrow();
    expect(level.allocated).toBe(0);
    expect(await database.db.selectFrom('order_exceptions').select(['category', 'control_point']).where('order_id', '=', unpaid.id).execute()).toEqual([{ category: 'payment_status', control_point: 'INVENTORY_ALLOCATION' }]);
    const paid = await createOrder(w.ctx, { channelId: w.channel.id, accountId: w.accountId, paymentStatus: 'paid', lines: [{ itemId: w.item.id, qty: 1, unitPriceMinor: 1000 }] });
    expect((await allocateOrder(w.ctx, paid.id)).fulfilmentStatus).toBe('allocated');
  });
});
