import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSuperstore } from '../../src/orders/core/superstore.js';
import { getOrderKpis } from '../../src/orders/use-cases/get-order-kpis.js';
import { importHistoricalOrders } from '../../src/orders/use-cases/import-historical-orders.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

const csv = fs.readFileSync(path.resolve('test/fixtures/orders/superstore.csv'), 'utf8');
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** percentile_cont(0.5): the median with interpolation. */
const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = (s.length - 1) / 2;
  return s[Math.floor(mid)]! + (s[Math.ceil(mid)]! - s[Math.floor(mid)]!) * (mid - Math.floor(mid));
};

describe('Superstore historical import', () => {
  it('reports bad rows by row and field, and a dry run writes nothing', async () => {
    const { errors } = parseSuperstore([
      { 'Order ID': 'X', 'Order Date': '13/40/2018', 'Ship Date': '1/1/2018', 'Customer ID': 'C', Segment: 'Consumer', Region: 'West', 'Product ID': 'P', Quantity: '1.5', Sales: '10', Profit: '20' },
    ]);
    expect(errors.map((e) => e.field)).toEqual(['Order Date', 'Quantity', 'Profit']);
    const dry = await importHistoricalOrders(t.system, csv, { dryRun: true });
    expect(dry).toMatchObject({ orders: 5009, lines: 9994, channels: 3, locations: 4, customers: 793, errors: [] });
    expect(Number((await t.database.superuser<{ n: string }>('select count(*) as n from sales_orders')).rows[0]!.n)).toBe(0);
  });

  it('imports every line and produces the cycle times and margins the raw file implies', async () => {
    const summary = await importHistoricalOrders(t.system, csv);
    expect(summary).toMatchObject({ orders: 5009, lines: 9994, errors: [] });
    const records = parse(csv, { columns: true, bom: true }) as Array<Record<string, string>>;
    const days = new Map<string, Map<string, number>>();
    const profit = new Map<string, number>();
    for (const r of records) {
      const [om, od, oy] = r['Order Date']!.split('/').map(Number);
      const [sm, sd, sy] = r['Ship Date']!.split('/').map(Number);
      const hours = (Date.UTC(sy!, sm! - 1, sd!) - Date.UTC(oy!, om! - 1, od!)) / 3_600_000;
      const seg = r['Segment']!;
      days.set(seg, (days.get(seg) ?? new Map()).set(r['Order ID']!, hours));
      profit.set(seg, (profit.get(seg) ?? 0) + Math.round(Number(r['Sales']) * 100) - (Math.round(Number(r['Sales']) * 100) - Math.round(Number(r['Profit']) * 100)));
    }
    const kpis = await getOrderKpis(t.system, {});
    for (const [segment, byOrder] of days) {
      const row = kpis.cycleTime.byChannel.find((c) => c.channel === `SEG-${segment.toUpperCase().replace(/[^A-Z0-9]+/g, '-')}`)!;
      expect(row.orders).toBe(byOrder.size);
      expect(row.p50Hours).toBeCloseTo(median([...byOrder.values()]), 2);
      const margin = kpis.marginByChannel.find((m) => m.channel === row.channel)!;
      expect(margin.marginMinor).toBe(profit.get(segment));
    }
    const medians = kpis.cycleTime.byChannel.map((c) => c.p50Hours!);
    expect(kpis.cycleTime.spreadOfMediansHours).toBeCloseTo(Math.max(...medians) - Math.min(...medians), 2);
  }, 60_000);
});
