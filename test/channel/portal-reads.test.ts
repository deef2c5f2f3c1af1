import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availabilityBand, availableUnits } from '../../src/channel/core/portal-projection.js';
import { type TestApp, createTestApp } from '../support/test-app.js';
import { type PortalWorld, makePortalWorld, sentinelsIn } from './portal-world.js';

let t: TestApp;
let w: PortalWorld;
beforeAll(async () => {
  t = await createTestApp();
  w = await makePortalWorld(t);
});
afterAll(() => t.close());

const P = '/api/partner/v1';
const get = (url: string, headers: { authorization: string }) => t.app.inject({ method: 'GET', url, headers });

describe('availability bands (pure)', () => {
  it.each([
    [0, 'out'],
    [-3, 'out'],
    [1, 'limited'],
    [49, 'limited'],
    [50, 'in_stock'],
    [10_000, 'in_stock'],
  ] as const)('%i available → %s', (n, band) => expect(availabilityBand(n)).toBe(band));
  it('sums sellable units per location, a short location never subtracting from another', () => {
    expect(
      availableUnits([
        { on_hand: 10, allocated: 4, quarantined: 1 },
        { on_hand: 2, allocated: 5, quarantined: 0 },
      ]),
    ).toBe(5);
  });
});

describe('GET /partner', () => {
  it('shows the own partner, its tier cap and active registrations', async () => {
    const res = await get(`${P}/partner`, w.userA1.headers);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id: w.partnerA,
      name: expect.any(String),
      status: 'active',
      tier: 'gold',
      tierName: 'Gold',
      territory: ['EMEA'],
      registrationCap: 60,
      activeRegistrations: 4,
    });
  });
});

describe('GET /products', () => {
  it('gives specs, the tier price list valid now with its breaks, and bands instead of numbers', async () => {
    const res = await get(`${P}/products?productLine=${w.productLine}`, w.userA1.headers);
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<Record<string, unknown>>;
    const bySku = Object.fromEntries(items.map((i) => [String(i.sku).split('-')[0], i]));
    expect(bySku.PLENTY).toEqual({
      id: w.items.plenty.id,
      sku: `PLENTY-${w.tag}`,
      name: 'PLENTY',
      productLine: w.productLine,
      specs: { capacityTb: 20 },
      prices: [
        { minQuantity: 1, unitPriceMinor: 90_000, currency: 'USD' },
        { minQuantity: 10, unitPriceMinor: 80_000, currency: 'USD' },
      ],
      availability: 'in_stock',
    });
    expect(bySku.FEW).toMatchObject({ availability: 'limited', prices: [{ minQuantity: 1, unitPriceMinor: 50_000, currency: 'USD' }] });
    expect(bySku.NONE).toMatchObject({ availability: 'out', prices: [] });
    // no other tier's price, no stale price, no list price, no cost, no stock numbers
    // (random ids and the run's tag are masked first: a uuid holds '123' in about one run in fifty)
    const shown = res.body.replace(/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/g, '<id>').replaceAll(w.tag, '<tag>');
    for (const n of ['77777777', '11111111', '99999999', '424242', '123']) expect(shown).not.toContain(n);
  });
  it('a silver partner sees the silver price only', async () => {
    const res = await get(`${P}/products?productLine=${w.productLine}`, w.adminB.headers);
    const plenty = (res.json().items as Array<{ sku: string; prices: unknown }>).find((i) => i.sku.startsWith('PLENTY'));
    expect(plenty?.prices).toEqual([{ minQuantity: 1, unitPriceMinor: 77_777_777, currency: 'USD' }]);
  });
  it('pages by sku', async () => {
    const first = await get(`${P}/products?productLine=${w.productLine}&limit=2`, w.userA1.headers);
    expect(first.json().items).toHaveLength(2);
    const next = await get(`${P}/products?productLine=${w.productLine}&limit=2&cursor=${first.json().nextCursor}`, w.userA1.headers);
    expect(next.json()).toMatchObject({ items: [{ sku: `PLENTY-${w.tag}` }], nextCursor: null });
  });
});

describe('GET /accounts', () => {
  it('lists channel-owned and approved-registration accounts only, never one a pending or rejected registration matched', async () => {
    const res = await get(`${P}/accounts?limit=200`, w.userA2.headers);
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<{ id: string; relation: string }>;
    expect(items.map((i) => [i.id, i.relation]).sort()).toEqual(
      [
        [w.accounts.ownedByA, 'channel_owner'],
        [w.accounts.regByAdminA, 'registered'],
        [w.accounts.regByUserA1, 'registered'],
      ].sort(),
    );
    expect(Object.keys(res.json().items[0]).sort()).toEqual(['country', 'domain', 'id', 'industry', 'name', 'region', 'relation']);
    expect(sentinelsIn(w, res.body)).toEqual([]);
  });
  it('one account; a matched-but-pending, another partner’s, a direct one and a random id all answer the same 404', async () => {
    expect((await get(`${P}/accounts/${w.accounts.ownedByA}`, w.userA1.headers)).json()).toMatchObject({
      id: w.accounts.ownedByA,
      relation: 'channel_owner',
    });
    const bodies = new Set<string>();
    for (const id of [w.accounts.directOnly, w.accounts.ownedByB, w.accounts.direct, '00000000-0000-4000-8000-000000000000']) {
      const res = await get(`${P}/accounts/${id}`, w.userA1.headers);
      expect(res.statusCode).toBe(404);
      bodies.add(JSON.stringify({ ...res.json(), instance: undefined }));
    }
    expect(bodies.size).toBe(1);
  });
});

describe('GET /registrations', () => {
  it('lists all of the partner’s registrations (any of its users), in the partner projection only', async () => {
    const res = await get(`${P}/registrations?limit=200`, w.userA2.headers);
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<Record<string, unknown>>;
    expect(items.map((i) => i.id).sort()).toEqual(
      [
        w.registrations.adminA,
        w.registrations.userA1,
        w.registrations.pendingA,
        w.registrations.rejectedA,
        w.registrations.returnedA,
      ].sort(),
    );
    expect(Object.keys(items[0]!).sort()).toEqual(
      [
        'amountMinor',
        'approvedAt',
        'closedAt',
        'createdAt',
        'currency',
        'customerCountry',
        'customerDomain',
        'customerName',
        'customerPhone',
        'customerPostalCode',
        'customerRegion',
        'decisionReason',
        'description',
        'expectedCloseDate',
        'expiresAt',
        'id',
        'infoRequest',
        'lastActivityAt',
        'productLine',
        'reference',
        'status',
        'version',
      ].sort(),
    );
    expect(sentinelsIn(w, res.body)).toEqual([]);
    expect(res.body).not.toMatch(/probability|internal|flags|decisionCode|"match"|owner/i);
  });
  it('filters by status and pages', async () => {
    const rejected = await get(`${P}/registrations?status=rejected`, w.userA1.headers);
    expect(rejected.json().items).toEqual([
      expect.objectContaining({ id: w.registrations.rejectedA, decisionReason: 'Not available for registration.' }),
    ]);
    const first = await get(`${P}/registrations?limit=3`, w.userA1.headers);
    const next = await get(`${P}/registrations?limit=3&cursor=${first.json().nextCursor}`, w.userA1.headers);
    expect([...first.json().items, ...next.json().items].map((i: { id: string }) => i.id).sort()).toHaveLength(5);
    expect(next.json().nextCursor).toBeNull();
  });
  it('detail carries the partner’s own activities only, and an ETag', async () => {
    const res = await get(`${P}/registrations/${w.registrations.userA1}`, w.adminA.headers);
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toBe('"v1"');
    expect(res.json().activities).toEqual([expect.objectContaining({ subject: 'Kick-off call' })]);
    expect(res.json()).toMatchObject({ status: 'approved', expiresAt: expect.any(String), approvedAt: expect.any(String) });
    expect(sentinelsIn(w, res.body)).toEqual([]);
  });
});

describe('notices', () => {
  it('lists the partner’s notices; marking read touches only its own', async () => {
    const list = await get(`${P}/notices`, w.userA1.headers);
    expect((list.json().items as Array<{ id: string }>).map((n) => n.id).sort()).toEqual([w.notices.a, w.notices.a2].sort());
    const foreign = await t.app.inject({
      method: 'POST',
      url: `${P}/notices/read`,
      headers: w.userA1.headers,
      payload: { ids: [w.notices.b] },
    });
    expect(foreign.json()).toEqual({ marked: 0 });
    const own = await t.app.inject({
      method: 'POST',
      url: `${P}/notices/read`,
      headers: w.userA1.headers,
      payload: { ids: [w.notices.a] },
    });
    expect(own.json()).toEqual({ marked: 1 });
    const unread = await get(`${P}/notices?unreadOnly=true`, w.adminA.headers);
    expect(unread.json().items.map((n: { id: string }) => n.id)).toEqual([w.notices.a2]);
    const b = await t.database.db.selectFrom('partner_notices').select('read_at').where('id', '=', w.notices.b).executeTakeFirstOrThrow();
    expect(b.read_at).toBeNull();
    const all = await t.app.inject({ method: 'POST', url: `${P}/notices/read`, headers: w.userA1.headers, payload: {} });
    expect(all.json()).toEqual({ marked: 1 });
  });
});
