import { systemActor } from '../../src/platform/access/actor.js';
import type { Clock } from '../../src/platform/clock.js';
import type { Db } from '../../src/platform/db/database.js';
import type { UseCaseContext } from '../../src/platform/use-case-context.js';
import { adjustStock } from '../../src/orders/use-cases/adjust-stock.js';
import { createChannel } from '../../src/orders/use-cases/create-channel.js';
import { createItem } from '../../src/orders/use-cases/create-item.js';
import { createLocation } from '../../src/orders/use-cases/create-location.js';
import { setCustomerTerms } from '../../src/orders/use-cases/set-customer-terms.js';

let n = 0;

/** A small world: two warehouses, one item per call, a channel over both, a customer with terms. */
export async function makeWorld(db: Db, clock: Clock, options: { stock?: [number, number]; creditLimitMinor?: number; paymentTerms?: 'prepaid' | 'net30'; invoicePolicy?: 'on_order' | 'on_shipment'; unitCostMinor?: number } = {}) {
  const k = ++n;
  const ctx: UseCaseContext = { db, clock, actor: systemActor('test') };
  const a = await createLocation(ctx, { code: `WH-A-${k}`, name: 'A', kind: 'warehouse', region: 'East' });
  const b = await createLocation(ctx, { code: `WH-B-${k}`, name: 'B', kind: 'warehouse', region: 'West' });
  const transit = await createLocation(ctx, { code: `TR-${k}`, name: 'Transit', kind: 'in_transit' });
  const item = await createItem(ctx, { sku: `SKU-${k}`, name: 'Widget', specs: { color: 'red' }, unitCostMinor: options.unitCostMinor ?? 600, currency: 'USD' });
  const channel = await createChannel(ctx, {
    code: `CH-${k}`,
    name: 'Web',
    kind: 'ecommerce',
    locationIds: [a.id, b.id],
    allocationStrategy: 'priority',
    invoicePolicy: options.invoicePolicy ?? 'on_shipment',
    taxRateBp: 1000,
    regionTaxRates: [{ region: 'West', rateBp: 825 }],
    currency: 'USD',
  });
  const now = clock.now();
  const account = await db.insertInto('accounts').values({ name: `Customer ${k}`, region: 'East', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
  await setCustomerTerms(ctx, account.id, { tier: 'gold', creditLimitMinor: options.creditLimitMinor ?? 1_000_000, paymentTerms: options.paymentTerms ?? 'net30' });
  const [sa, sb] = options.stock ?? [5, 3];
  if (sa) await adjustStock(ctx, { itemId: item.id, locationId: a.id, bucket: 'on_hand', delta: sa, reason: 'opening stock' });
  if (sb) await adjustStock(ctx, { itemId: item.id, locationId: b.id, bucket: 'on_hand', delta: sb, reason: 'opening stock' });
  return { ctx, a, b, transit, item, channel, accountId: account.id };
}
