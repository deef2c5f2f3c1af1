import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/identity/use-cases/create-user.js';
import { seedOrdersDemo } from '../../src/orders/seed-orders-demo.js';
import { detectStockDrift } from '../../src/orders/use-cases/detect-stock-drift.js';
import { getOrderKpis } from '../../src/orders/use-cases/get-order-kpis.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

let t: TestApp;
const count = async (sql: string) => Number((await t.database.superuser<{ n: string }>(sql)).rows[0]!.n);

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('the orders demo', () => {
  it('shows every channel with live orders, holds, a return with its credit and an active variant — and stays drift-free', async () => {
    await createUser(t.system, { email: 'olga@orders-demo.test', name: 'Olga', role: 'ops' });
    const summary = await seedOrdersDemo(t.system);
    expect(summary).toMatchObject({ channels: 6, items: 7, orders: 30 });
    expect(await count(`select count(distinct channel_id) as n from sales_orders`)).toBe(6);
    expect(await count(`select count(*) as n from holds where released_at is null`)).toBeGreaterThan(0);
    expect(await count(`select count(*) as n from holds where released_at is not null`)).toBeGreaterThan(0);
    expect(await count(`select count(*) as n from credit_memos`)).toBeGreaterThan(0);
    expect(await count(`select count(*) as n from workflow_variants where status = 'active'`)).toBe(1);
    expect(await count(`select count(*) as n from sales_orders where variant_id is not null`)).toBeGreaterThan(0);
    expect(await count(`select count(distinct lifecycle) as n from sales_orders`)).toBeGreaterThanOrEqual(3);
    expect(await detectStockDrift(t.system)).toEqual([]);
    const kpis = await getOrderKpis(t.system, {});
    expect(kpis.cycleTime.byChannel.filter((c) => c.p50Hours !== null).length).toBeGreaterThanOrEqual(4);
    expect(kpis.marginByChannel.length).toBeGreaterThanOrEqual(4);
    expect(kpis.adoption.transitions).toBeGreaterThan(0);
    expect((await seedOrdersDemo(t.system)).orders).toBe(0);
  }, 60_000);
});
