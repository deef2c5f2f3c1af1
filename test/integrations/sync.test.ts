import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_TYPES, type SyncType } from '../../src/integrations/sync/schemas.js';
import { type SyncResult, syncRecord } from '../../src/integrations/use-cases/sync-record.js';
import { adjustStock } from '../../src/orders/use-cases/adjust-stock.js';
import { createItem } from '../../src/orders/use-cases/create-item.js';
import { makeWorld } from '../orders/world.js';
import { type TestApp, createTestApp } from '../support/test-app.js';
import { settled } from './settle.js';

let t: TestApp;
let integration: Awaited<ReturnType<TestApp['userWithToken']>>;
beforeAll(async () => {
  t = await createTestApp();
  integration = await t.userWithToken('integration');
  await settled(t);
});
afterAll(() => t.close());

const put = (path: string, payload: object) =>
  t.app.inject({ method: 'PUT', url: `/api/v1/sync/${path}`, headers: integration.headers, payload });

describe('inbound sync over HTTP', () => {
  it('creates on the first version, then ignores duplicates and older versions, and applies newer ones like a native write', async () => {
    const first = await put('hubspot/accounts/acc-1', {
      version: 5,
      data: { name: 'Acme v5', domain: 'acme-sync.example', region: 'EMEA' },
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ applied: true, created: true, version: 5 });
    const recordId = first.json().recordId as string;

    expect((await put('hubspot/accounts/acc-1', { version: 5, data: { name: 'Acme again' } })).json()).toEqual({
      applied: false,
      reason: 'duplicate',
      recordId,
      version: 5,
    });
    expect((await put('hubspot/accounts/acc-1', { version: 3, data: { name: 'Acme v3' } })).json()).toEqual({
      applied: false,
      reason: 'stale',
      recordId,
      version: 5,
    });
    expect((await put('hubspot/accounts/acc-1', { version: 6, data: { name: 'Acme v6' } })).json()).toEqual({
      applied: true,
      created: false,
      recordId,
      version: 6,
    });

    const { rows } = await t.database.superuser('select name, region, version from accounts where id = $1', [recordId]);
    expect(rows[0]).toEqual({ name: 'Acme v6', region: 'EMEA', version: 2 });
    const events = await t.database.superuser('select event_type from outbox_events where aggregate_id = $1 order by seq', [recordId]);
    expect(events.rows.map((r) => r.event_type)).toEqual(expect.arrayContaining(['account.created', 'account.updated']));
    const audit = await t.database.superuser("select reason from audit_events where entity_id = $1 and event_name = 'account.updated'", [
      recordId,
    ]);
    expect(audit.rows[0]!.reason).toBe('sync from hubspot (version 6)');
  });

  it('keeps the same external id apart per source and per type', async () => {
    const a = (await put('salesforce/leads/X1', { version: 1, data: { name: 'Lead SF' } })).json();
    const b = (await put('hubspot/leads/X1', { version: 1, data: { name: 'Lead HS' } })).json();
    expect(a.created).toBe(true);
    expect(b.created).toBe(true);
    expect(a.recordId).not.toBe(b.recordId);
    const lead = await t.database.superuser('select name from leads where id = $1', [a.recordId]);
    expect(lead.rows[0]!.name).toBe('Lead SF');
  });

  it.each([
    ['hubspot/accounts/acc-bad', { version: 1, data: {} }, 'data.name'],
    ['hubspot/accounts/acc-bad', { version: 1, data: { name: 'X', employees: -1 } }, 'data.employees'],
    ['hubspot/accounts/acc-bad', { version: -1, data: { name: 'X' } }, 'version'],
    ['hubspot/accounts/acc-bad', { data: { name: 'X' } }, 'version'],
    ['hubspot/widgets/w-1', { version: 1, data: { name: 'X' } }, 'path.type'],
    ['Hub Spot/accounts/a', { version: 1, data: { name: 'X' } }, 'path.source'],
  ])('refuses %s %j naming %s', async (path, payload, field) => {
    const res = await put(path, payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(field);
  });

  it('concurrent deliveries of one stream create the record once and end at the newest version', async () => {
    const results = await Promise.all(
      [3, 1, 2, 3, 1, 4, 2].map((version) => put('erp/accounts/conc-1', { version, data: { name: `Conc v${version}` } })),
    );
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    expect(results.filter((r) => r.json().created).length).toBe(1);
    const recordId = results[0]!.json().recordId as string;
    expect(new Set(results.map((r) => r.json().recordId))).toEqual(new Set([recordId]));
    const { rows } = await t.database.superuser('select name from accounts where id = $1', [recordId]);
    expect(rows[0]!.name).toBe('Conc v4');
  });
});

describe('convergence (property)', () => {
  type World = Awaited<ReturnType<typeof makeWorld>>;
  let world: World;
  beforeAll(async () => {
    world = await makeWorld(t.database.db, t.clock, { stock: [50, 50] });
  });
  let serial = 0;

  /**
   * Per type: what a stream's version v carries, the fixtures one stream needs (its own item, account, …),
   * and a projection of the synced record's state that leaves out ids and timestamps.
   */
  const kinds: Record<
    SyncType,
    {
      prepare(): Promise<Record<string, string>>;
      data(v: number, n: number, f: Record<string, string>): Record<string, unknown>;
      state(recordId: string, f: Record<string, string>): Promise<unknown>;
    }
  > = {
    accounts: {
      prepare: async () => ({}),
      data: (v) => ({ name: `Name v${v}`, region: `Region ${v}`, employees: v }),
      state: async (id) => (await t.database.superuser('select name, region, employees from accounts where id = $1', [id])).rows[0],
    },
    leads: {
      prepare: async () => ({}),
      data: (v) => ({ name: `Name v${v}`, region: `Region ${v}`, amount: v * 10 }),
      state: async (id) => (await t.database.superuser('select name, region, amount from leads where id = $1', [id])).rows[0],
    },
    opportunities: {
      prepare: async () => ({}),
      // Each version carries the record's full state (null clears): partial versions cannot converge when a
      // skipped stale version was the only one to set a field.
      data: (v) => ({ name: `Deal v${v}`, amount: v * 100, productLine: v % 2 === 0 ? `Line ${v}` : null }),
      state: async (id) =>
        (await t.database.superuser('select name, amount, product_line, stage from opportunities where id = $1', [id])).rows[0],
    },
    items: {
      prepare: async () => ({ sku: `PROP-${++serial}-${Math.random()}` }),
      data: (v, _n, f) => ({ sku: f.sku, name: `Item v${v}`, unitCostMinor: v * 7, specs: { v } }),
      state: async (id) => (await t.database.superuser('select name, unit_cost_minor, specs from items where id = $1', [id])).rows[0],
    },
    customers: {
      prepare: async () => {
        const now = new Date();
        const account = await t.database.db
          .insertInto('accounts')
          .values({ name: `Customer ${++serial}`, created_at: now, updated_at: now })
          .returning('id')
          .executeTakeFirstOrThrow();
        return { accountId: account.id };
      },
      data: (v, _n, f) => ({
        accountId: f.accountId,
        tier: `tier-${v}`,
        creditLimitMinor: v * 1000,
        paymentTerms: (['prepaid', 'net30', 'net60'] as const)[v % 3],
      }),
      state: async (id) =>
        (await t.database.superuser('select tier, credit_limit_minor, payment_terms from customer_terms where account_id = $1', [id]))
          .rows[0],
    },
    'stock-counts': {
      prepare: async () => {
        const item = await createItem(t.system, {
          sku: `CNT-${++serial}-${Math.random()}`,
          name: 'Counted',
          specs: {},
          unitCostMinor: 1,
          currency: 'USD',
        });
        await adjustStock(t.system, { itemId: item.id, locationId: world.a.id, delta: 1, reason: 'opening' });
        return { itemId: item.id };
      },
      data: (v, _n, f) => ({ itemId: f.itemId, locationId: world.a.id, counted: v * 3 }),
      state: async (_id, f) =>
        (await t.database.superuser('select on_hand from stock_levels where item_id = $1 and location_id = $2', [f.itemId, world.a.id]))
          .rows[0],
    },
    orders: {
      prepare: async () => ({}),
      // An external order is immutable once placed: every version carries the same content.
      data: () => ({
        channelId: world.channel.id,
        accountId: world.accountId,
        lines: [{ itemId: world.item.id, qty: 1, unitPriceMinor: 999 }],
      }),
      state: async (id) =>
        (
          await t.database.superuser(
            'select o.account_id, o.lifecycle, (select json_agg(json_build_object($2::text, l.qty_ordered, $3::text, l.unit_price_minor)) from order_lines l where l.order_id = o.id) as lines from sales_orders o where o.id = $1',
            [id, 'qty', 'price'],
          )
        ).rows[0],
    },
  };

  it('shuffled and duplicated version streams end in the state in-order application gives, for every type', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.shuffledSubarray([...Array.from({ length: n }, (_, i) => i + 1), ...Array.from({ length: n }, (_, i) => i + 1)], {
              minLength: 2 * n,
              maxLength: 2 * n,
            }),
          ),
        ),
        fc.constantFrom(...SYNC_TYPES),
        async ([n, stream], type) => {
          const kind = kinds[type];
          const run = `${type}-${++serial}-${Math.random()}`;
          // The reference: versions 1..n in order, under their own external id and fixtures.
          const refFixtures = await kind.prepare();
          let reference: SyncResult | undefined;
          for (let v = 1; v <= n; v++)
            reference = await syncRecord(
              t.system,
              { source: 'prop', type, externalId: `${run}-ordered` },
              { version: v, data: kind.data(v, n, refFixtures) },
            );
          // The same versions shuffled and each sent twice.
          const fixtures = await kind.prepare();
          const outcomes: SyncResult[] = [];
          for (const v of stream)
            outcomes.push(
              await syncRecord(
                t.system,
                { source: 'prop', type, externalId: `${run}-shuffled` },
                { version: v, data: kind.data(v, n, fixtures) },
              ),
            );

          expect(outcomes.filter((o) => o.applied && o.created)).toHaveLength(1);
          const recordId = outcomes[0]!.recordId;
          // stock counts map to their latest count; everything else keeps one record
          if (type !== 'stock-counts') expect(new Set(outcomes.map((o) => o.recordId))).toEqual(new Set([recordId]));
          expect(await kind.state(outcomes.at(-1)!.recordId, fixtures)).toEqual(await kind.state(reference!.recordId, refFixtures));
          // every version after the first arrival of a higher one was refused, none applied twice
          const applied = outcomes.filter((o) => o.applied).map((o) => o.version);
          expect(applied).toEqual([...applied].sort((a, b) => a - b));
          expect(new Set(applied).size).toBe(applied.length);
          const map = await t.database.superuser(
            'select last_version from external_ids where source = $1 and record_type = $2 and external_id = $3',
            ['prop', type, `${run}-shuffled`],
          );
          expect(Number(map.rows[0]!.last_version)).toBe(n);
        },
      ),
      { numRuns: 42 },
    );
  }, 300_000);
});
