import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { levelTakes, planAllocation } from '../../src/orders/core/allocation.js';
import {
  activationErrors,
  applyOverlay,
  decide,
  effectiveGates,
  type GateFacts,
  type WorkflowGates,
  validateOverlay,
} from '../../src/orders/core/gates.js';
import { bpOf, documentTotals, lineMargin, priceFor } from '../../src/orders/core/money.js';
import {
  countAccuracy,
  percentile,
  percentileContRanks,
  percentileContValue,
  rankInHistogram,
  splitKpiWindow,
  spread,
} from '../../src/orders/core/kpi.js';
import {
  type LineQuantities,
  billingStatus,
  creditableQty,
  emptyLine,
  fulfilmentStatus,
  invoiceableQty,
  lineViolations,
  orderStatus,
  returnableQty,
  returnStatus,
  unallocatedQty,
} from '../../src/orders/core/quantities.js';

describe('derived statuses (table)', () => {
  const line = (q: Partial<LineQuantities>): LineQuantities => ({ ...emptyLine(10), ...q });
  it.each([
    [[line({})], 'unallocated'],
    [[line({ allocated: 4 })], 'partially_allocated'],
    [[line({ allocated: 10 })], 'allocated'],
    [[line({ allocated: 6, shipped: 4 })], 'partially_shipped'],
    [[line({ shipped: 10 })], 'shipped'],
    [[line({ cancelled: 10 })], 'cancelled'],
    [[line({ shipped: 6, cancelled: 4 })], 'shipped'],
  ] as const)('fulfilment of %j is %s', (lines, expected) => expect(fulfilmentStatus([...lines])).toBe(expected));
  it.each([
    ['released', 0, [line({ shipped: 10, invoiced: 10 })], 'complete'],
    ['released', 0, [line({ shipped: 10 })], 'to_invoice'],
    ['released', 1, [line({ shipped: 10 })], 'on_hold'],
    ['submitted', 0, [line({ allocated: 10 })], 'awaiting_release'],
    ['cancelled', 0, [line({ cancelled: 10 })], 'cancelled'],
  ] as const)('order %s with %d holds → %s', (lifecycle, holds, lines, expected) =>
    expect(orderStatus(lifecycle, holds, [...lines])).toBe(expected),
  );
  it('billing and returns', () => {
    expect(billingStatus([line({ shipped: 10, invoiced: 3 })])).toBe('partially_invoiced');
    expect(returnStatus([line({ shipped: 10, returnAuthorized: 2 })])).toBe('authorized');
    expect(returnStatus([line({ shipped: 10, invoiced: 10, returnAuthorized: 2, returnReceived: 2, credited: 2 })])).toBe('credited');
  });
});

/** Random histories of the line operations, each guarded exactly as the use cases guard them. */
const op = fc.oneof(
  fc.record({ kind: fc.constant('allocate' as const), n: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('ship' as const), n: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('cancel' as const), n: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('invoice' as const), n: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('authorize' as const), n: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('receive' as const), n: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('credit' as const), n: fc.integer({ min: 1, max: 12 }) }),
);

function apply(l: LineQuantities, o: { kind: string; n: number }, policy: 'on_order' | 'on_shipment'): LineQuantities {
  switch (o.kind) {
    case 'allocate':
      return o.n <= unallocatedQty(l) ? { ...l, allocated: l.allocated + o.n } : l;
    case 'ship':
      return o.n <= l.allocated ? { ...l, allocated: l.allocated - o.n, shipped: l.shipped + o.n } : l;
    case 'cancel':
      return o.n <= unallocatedQty(l) && o.n <= l.ordered - l.cancelled - l.invoiced ? { ...l, cancelled: l.cancelled + o.n } : l;
    case 'invoice':
      return o.n <= invoiceableQty(l, policy) ? { ...l, invoiced: l.invoiced + o.n } : l;
    case 'authorize':
      return o.n <= returnableQty(l) ? { ...l, returnAuthorized: l.returnAuthorized + o.n } : l;
    case 'receive':
      return o.n <= l.returnAuthorized - l.returnReceived ? { ...l, returnReceived: l.returnReceived + o.n } : l;
    default:
      return o.n <= creditableQty(l) ? { ...l, credited: l.credited + o.n } : l;
  }
}

describe('line quantity invariants (property)', () => {
  test.prop([
    fc.integer({ min: 1, max: 30 }),
    fc.constantFrom('on_order' as const, 'on_shipment' as const),
    fc.array(op, { maxLength: 40 }),
  ])('every guarded history keeps every invariant, and statuses stay consistent with quantities', (ordered, policy, ops) => {
    let l = emptyLine(ordered);
    for (const o of ops) {
      l = apply(l, o, policy);
      expect(lineViolations(l, policy)).toEqual([]);
    }
    const status = fulfilmentStatus([l]);
    if (status === 'shipped') expect(l.shipped + l.cancelled).toBe(l.ordered);
    if (status === 'unallocated') expect(l.allocated + l.shipped).toBe(0);
  });
  test.prop([
    fc.integer({ min: 1, max: 30 }),
    fc.record({
      cancelled: fc.nat(40),
      allocated: fc.nat(40),
      shipped: fc.nat(40),
      invoiced: fc.nat(40),
      returnAuthorized: fc.nat(40),
      returnReceived: fc.nat(40),
      credited: fc.nat(40),
    }),
  ])('lineViolations flags exactly the broken DOMAIN §7 rules', (ordered, q) => {
    const l = { ordered, ...q };
    const ok =
      q.cancelled + q.allocated + q.shipped <= ordered &&
      q.invoiced <= q.shipped &&
      q.returnAuthorized <= q.shipped &&
      q.returnReceived <= q.returnAuthorized &&
      q.credited <= Math.min(q.invoiced, q.returnReceived);
    expect(lineViolations(l, 'on_shipment').length === 0).toBe(ok);
  });
  it('rejects negative and fractional quantities', () => {
    expect(lineViolations({ ...emptyLine(3), shipped: -1 }, 'on_order')).not.toEqual([]);
    expect(lineViolations({ ...emptyLine(3), allocated: 1.5 }, 'on_order')).not.toEqual([]);
  });
});

describe('allocation plan (property)', () => {
  const levels = fc.array(
    fc.record({ loc: fc.integer({ min: 0, max: 3 }), item: fc.integer({ min: 0, max: 2 }), available: fc.integer({ min: -3, max: 10 }) }),
    { maxLength: 12 },
  );
  const requests = fc.array(fc.record({ item: fc.integer({ min: 0, max: 2 }), qty: fc.integer({ min: 1, max: 12 }) }), {
    minLength: 1,
    maxLength: 6,
  });
  test.prop([levels, requests, fc.constantFrom('priority' as const, 'most_stock' as const)])(
    'all or nothing, never above any level, split only over channel locations',
    (ls, rs, strategy) => {
      const unique = new Map(ls.map((l) => [`i${l.item}|l${l.loc}`, l]));
      const levelList = [...unique.values()].map((l) => ({ itemId: `i${l.item}`, locationId: `l${l.loc}`, available: l.available }));
      const locations = ['l0', 'l1', 'l2'];
      const plan = planAllocation(
        rs.map((r, i) => ({ lineId: `line${i}`, itemId: `i${r.item}`, qty: r.qty })),
        locations,
        levelList,
        strategy,
      );
      if (plan.shortages.length > 0) {
        expect(plan.allocations).toEqual([]);
        return;
      }
      rs.forEach((r, i) => expect(plan.allocations.filter((a) => a.lineId === `line${i}`).reduce((s, a) => s + a.qty, 0)).toBe(r.qty));
      for (const lv of levelList) {
        const used = plan.allocations
          .filter((a) => a.itemId === lv.itemId && a.locationId === lv.locationId)
          .reduce((s, a) => s + a.qty, 0);
        expect(used).toBeLessThanOrEqual(Math.max(0, lv.available));
      }
      for (const a of plan.allocations) expect(locations).toContain(a.locationId);
    },
  );
  it.each([
    { name: 'empty plan', allocations: [], takes: [] },
    {
      name: 'two lines of one item at one level are summed into one take',
      allocations: [
        { lineId: 'a', itemId: 'i1', locationId: 'l1', qty: 2 },
        { lineId: 'b', itemId: 'i1', locationId: 'l1', qty: 3 },
      ],
      takes: [{ itemId: 'i1', locationId: 'l1', qty: 5 }],
    },
    {
      name: 'sorted by item, then location, whatever the plan order',
      allocations: [
        { lineId: 'a', itemId: 'i2', locationId: 'l1', qty: 1 },
        { lineId: 'a', itemId: 'i1', locationId: 'l2', qty: 4 },
        { lineId: 'b', itemId: 'i1', locationId: 'l1', qty: 2 },
      ],
      takes: [
        { itemId: 'i1', locationId: 'l1', qty: 2 },
        { itemId: 'i1', locationId: 'l2', qty: 4 },
        { itemId: 'i2', locationId: 'l1', qty: 1 },
      ],
    },
  ])('levelTakes: $name', ({ allocations, takes }) => {
    expect(levelTakes(allocations)).toEqual(takes);
  });
  it('two lines of one item never count the same units (Medusa #16502)', () => {
    const plan = planAllocation(
      [
        { lineId: 'a', itemId: 'x', qty: 2 },
        { lineId: 'b', itemId: 'x', qty: 2 },
      ],
      ['l'],
      [{ itemId: 'x', locationId: 'l', available: 3 }],
    );
    expect(plan.shortages).toEqual([{ lineId: 'b', itemId: 'x', requested: 2, short: 1 }]);
    expect(plan.allocations).toEqual([]);
  });
});

describe('money (property)', () => {
  test.prop([
    fc.array(fc.record({ qty: fc.integer({ min: 1, max: 1000 }), price: fc.integer({ min: 0, max: 1_000_000 }) }), {
      minLength: 1,
      maxLength: 20,
    }),
    fc.integer({ min: 0, max: 10000 }),
  ])('invoice totals: total = net + tax, tax within half a unit of the exact rate', (lines, bp) => {
    const t = documentTotals(
      lines.map((l) => ({ netMinor: l.qty * l.price })),
      bp,
    );
    expect(t.totalMinor).toBe(t.netMinor + t.taxMinor);
    expect(Math.abs(t.taxMinor - (t.netMinor * bp) / 10000)).toBeLessThanOrEqual(0.5);
    expect(Number.isInteger(t.taxMinor)).toBe(true);
  });
  test.prop([
    fc.integer({ min: 0, max: 1000 }),
    fc.integer({ min: 0, max: 100_000 }),
    fc.integer({ min: 0, max: 100_000 }),
    fc.integer({ min: 0, max: 10000 }),
  ])('margin = net − cost − rebate, rebate ≤ net', (qty, price, cost, bp) => {
    const m = lineMargin({ qty, unitPriceMinor: price, unitCostMinor: cost, rebateBp: bp });
    expect(m.marginMinor).toBe(m.netMinor - m.costMinor - m.rebateMinor);
    expect(m.rebateMinor).toBeLessThanOrEqual(m.netMinor);
  });
  it('rounds half up and picks the highest reached price break for the whole quantity', () => {
    expect(bpOf(5, 1000)).toBe(1);
    expect(bpOf(4, 1000)).toBe(0);
    const breaks = [
      { id: 'a', minQuantity: 1, unitPriceMinor: 100 },
      { id: 'b', minQuantity: 10, unitPriceMinor: 90 },
    ];
    expect(priceFor(breaks, 9)?.id).toBe('a');
    expect(priceFor(breaks, 10)?.id).toBe('b');
    expect(priceFor(breaks, 0)).toBeNull();
  });
});

describe('gates and variants', () => {
  const standard: WorkflowGates = {
    ORDER_RELEASE: [
      { type: 'credit_limit', version: 1 },
      { type: 'margin_floor', version: 1, minMarginBp: 0 },
    ],
  };
  const facts: GateFacts = {
    creditLimitMinor: 1000,
    exposureMinor: 0,
    orderTotalMinor: 900,
    marginBp: 500,
    paymentStatus: 'unpaid',
    paymentTerms: 'net30',
    fullyAllocated: true,
  };
  it.each([
    [{ ORDER_RELEASE: [{ type: 'margin_floor', version: 1, minMarginBp: 1000 }] }, []],
    [{ ORDER_RELEASE: [{ type: 'manual_approval', version: 1 }] }, []],
    [{ ORDER_RELEASE: [{ type: 'margin_floor', version: 1, minMarginBp: -100 }] }, ['overlay.ORDER_RELEASE[0]']],
    [{ ORDER_RELEASE: [{ type: 'credit_limit', version: 1, utilisationBp: 12000 }] }, ['overlay.ORDER_RELEASE[0].utilisationBp']],
    [{ NOPE: [] }, ['overlay.NOPE']],
    [{ SHIPMENT_CONFIRMATION: [{ type: 'manual_approval', version: 1 }] }, ['overlay.SHIPMENT_CONFIRMATION[0].type']],
    [{ INVOICE_GENERATION: [{ type: 'payment_status', version: 1, requirePaid: true }] }, []],
  ] as Array<[WorkflowGates, string[]]>)('overlay %j → errors at %j', (overlay, paths) => {
    expect(validateOverlay(standard, overlay).map((e) => e.path)).toEqual(expect.arrayContaining(paths));
    if (paths.length === 0) expect(validateOverlay(standard, overlay)).toEqual([]);
  });
  it('a tightened gate holds what the standard passes; a waived gate is an override', () => {
    expect(decide(standard.ORDER_RELEASE!, facts).outcome).toBe('pass');
    const tight = applyOverlay(standard, { ORDER_RELEASE: [{ type: 'margin_floor', version: 1, minMarginBp: 1000 }] });
    const held = decide(tight.ORDER_RELEASE!, facts);
    expect(held.outcome).toBe('hold');
    expect(decide(tight.ORDER_RELEASE!, facts, new Set(['margin_floor'])).outcome).toBe('override');
  });
  it('an expired or unowned variant falls back to the standard', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const overlay: WorkflowGates = { ORDER_RELEASE: [{ type: 'manual_approval', version: 1 }] };
    expect(effectiveGates(standard, { status: 'active', reviewBy: new Date('2026-07-01'), overlay }, now).usesVariant).toBe(true);
    expect(effectiveGates(standard, { status: 'active', reviewBy: new Date('2026-05-01'), overlay }, now).usesVariant).toBe(false);
    expect(
      activationErrors({ ownerId: null, rationale: ' ', supportModel: null, reviewBy: new Date('2026-05-01') }, now).map((e) => e.path),
    ).toEqual(['ownerId', 'rationale', 'supportModel', 'reviewBy']);
  });
  test.prop([fc.integer({ min: -10000, max: 10000 }), fc.integer({ min: -10000, max: 10000 }), fc.integer({ min: -10000, max: 10000 })])(
    'an accepted overlay never passes what the standard holds',
    (base, tighter, margin) => {
      const std: WorkflowGates = { ORDER_RELEASE: [{ type: 'margin_floor', version: 1, minMarginBp: base }] };
      const overlay: WorkflowGates = { ORDER_RELEASE: [{ type: 'margin_floor', version: 1, minMarginBp: tighter }] };
      if (validateOverlay(std, overlay).length > 0) return;
      const f = { ...facts, marginBp: margin };
      if (decide(std.ORDER_RELEASE!, f).outcome === 'hold')
        expect(decide(applyOverlay(std, overlay).ORDER_RELEASE!, f).outcome).toBe('hold');
    },
  );
});

describe('KPI arithmetic', () => {
  it('percentiles, spread and count accuracy', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([], 50)).toBeNull();
    expect(spread([2, null, 7])).toBe(5);
    expect(countAccuracy(10, 9)).toBeCloseTo(0.9);
    expect(countAccuracy(0, 0)).toBe(1);
    expect(countAccuracy(2, 10)).toBe(0);
  });
});

const t = (iso: string) => new Date(iso);

describe('KPI window split (table)', () => {
  it.each([
    {
      name: 'whole days only',
      from: '2026-03-01T00:00:00Z',
      to: '2026-03-04T00:00:00Z',
      days: { from: '2026-03-01', to: '2026-03-04' },
      edges: [],
    },
    {
      name: 'partial days at both ends',
      from: '2026-03-01T10:30:00Z',
      to: '2026-03-04T05:00:00Z',
      days: { from: '2026-03-02', to: '2026-03-04' },
      edges: [
        ['2026-03-01T10:30:00Z', '2026-03-02T00:00:00Z'],
        ['2026-03-04T00:00:00Z', '2026-03-04T05:00:00Z'],
      ],
    },
    {
      name: 'inside one day: all edge',
      from: '2026-03-01T01:00:00Z',
      to: '2026-03-01T23:00:00Z',
      days: null,
      edges: [['2026-03-01T01:00:00Z', '2026-03-01T23:00:00Z']],
    },
    {
      name: 'across one midnight only: no whole day',
      from: '2026-03-01T20:00:00Z',
      to: '2026-03-02T04:00:00Z',
      days: null,
      edges: [['2026-03-01T20:00:00Z', '2026-03-02T04:00:00Z']],
    },
    { name: 'empty window', from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z', days: null, edges: [] },
    {
      name: 'the unbounded default',
      from: '1970-01-01T00:00:00Z',
      to: '9999-01-01T00:00:00Z',
      days: { from: '1970-01-01', to: '9999-01-01' },
      edges: [],
    },
  ])('$name', ({ from, to, days, edges }) => {
    expect(splitKpiWindow(t(from), t(to))).toEqual({ days, edges: edges.map(([a, b]) => [t(a!), t(b!)]) });
  });
});

describe('percentile_cont from a histogram (table)', () => {
  it.each([
    { n: 1, p: 0.5, ranks: { lo: 0, hi: 0, proportion: 0 } },
    { n: 4, p: 0.5, ranks: { lo: 1, hi: 2, proportion: 0.5 } },
    { n: 5, p: 0.5, ranks: { lo: 2, hi: 2, proportion: 0 } },
    { n: 11, p: 0.9, ranks: { lo: 9, hi: 9, proportion: 0 } },
  ])('ranks of p$p over $n values', ({ n, p, ranks }) => {
    expect(percentileContRanks(n, p)).toEqual(ranks);
  });
  it('interpolates like float8_lerp and finds a rank inside its bucket', () => {
    expect(percentileContValue(2, 4, false, 0.25)).toBe(2.5);
    expect(percentileContValue(2, 4, true, 0.25)).toBe(2);
    const histogram = [
      { bucket: 0, n: 2 },
      { bucket: 3, n: 1 },
      { bucket: 7, n: 4 },
    ];
    expect([0, 1, 2, 3, 6].map((r) => rankInHistogram(histogram, r))).toEqual([
      { bucket: 0, offset: 0 },
      { bucket: 0, offset: 1 },
      { bucket: 3, offset: 0 },
      { bucket: 7, offset: 0 },
      { bucket: 7, offset: 3 },
    ]);
    expect(() => rankInHistogram(histogram, 7)).toThrow(RangeError);
  });
  test.prop([fc.array(fc.integer({ min: -50, max: 500 }), { minLength: 1, maxLength: 60 }), fc.constantFrom(0.5, 0.9)])(
    'equals percentile_cont computed on the sorted values themselves',
    (values, p) => {
      const sorted = [...values].sort((a, b) => a - b);
      const histogram = [...new Set(sorted)].map((v) => ({ bucket: v, n: sorted.filter((x) => x === v).length }));
      const r = percentileContRanks(sorted.length, p);
      const valueOf = (rank: number) => rankInHistogram(histogram, rank).bucket;
      const direct = r.lo === r.hi ? sorted[r.lo]! : sorted[r.lo]! + r.proportion * (sorted[r.hi]! - sorted[r.lo]!);
      expect(percentileContValue(valueOf(r.lo), valueOf(r.hi), r.lo === r.hi, r.proportion)).toBe(direct);
    },
  );
});
