import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SimulatedRecord, ownerDistribution, projectedLoad, ruleHits, summarizeSimulation } from '../../src/routing/core/simulation-summary.js';

const rec = (recordId: string, currentOwnerId: string | null, projectedOwnerId: string | null, ruleId: string | null = 'r1', catchAll = false): SimulatedRecord => ({
  recordId,
  currentOwnerId,
  projectedOwnerId,
  ruleId,
  ruleName: ruleId,
  catchAll,
  poolId: null,
});

describe('owner distribution', () => {
  it.each([
    { name: 'nobody moves', records: [rec('a', 'u1', 'u1'), rec('b', 'u2', 'u2')], expected: [{ ownerId: 'u1', current: 1, projected: 1, delta: 0 }, { ownerId: 'u2', current: 1, projected: 1, delta: 0 }] },
    {
      name: 'two records move from u1 to u2, biggest movers first, gainers before losers',
      records: [rec('a', 'u1', 'u2'), rec('b', 'u1', 'u2'), rec('c', 'u3', 'u3')],
      expected: [
        { ownerId: 'u2', current: 0, projected: 2, delta: 2 },
        { ownerId: 'u1', current: 2, projected: 0, delta: -2 },
        { ownerId: 'u3', current: 1, projected: 1, delta: 0 },
      ],
    },
    {
      name: 'unowned today and unplaceable tomorrow count under null',
      records: [rec('a', null, 'u1'), rec('b', 'u1', null)],
      expected: [
        { ownerId: null, current: 1, projected: 1, delta: 0 },
        { ownerId: 'u1', current: 1, projected: 1, delta: 0 },
      ],
    },
  ])('$name', ({ records, expected }) => {
    expect(ownerDistribution(records)).toEqual(expected);
  });

  it('conserves records: current and projected columns each sum to the record count (property)', () => {
    const owner = fc.constantFrom(null, 'u1', 'u2', 'u3');
    fc.assert(
      fc.property(fc.array(fc.tuple(owner, owner), { maxLength: 50 }), (pairs) => {
        const rows = ownerDistribution(pairs.map(([c, p], i) => rec(String(i), c, p)));
        expect(rows.reduce((s, r) => s + r.current, 0)).toBe(pairs.length);
        expect(rows.reduce((s, r) => s + r.projected, 0)).toBe(pairs.length);
        expect(rows.reduce((s, r) => s + r.delta, 0)).toBe(0);
      }),
    );
  });
});

describe('projected load against caps', () => {
  it.each([
    { name: 'incoming work only counts records the member does not own yet', open: 2, cap: 3, records: [rec('a', 'u1', 'u1'), rec('b', 'u2', 'u1')], incoming: 1, projected: 3, over: false },
    { name: 'over the cap is flagged', open: 3, cap: 3, records: [rec('a', 'u2', 'u1')], incoming: 1, projected: 4, over: true },
    { name: 'no cap is never over', open: 100, cap: null, records: [rec('a', null, 'u1'), rec('b', null, 'u1')], incoming: 2, projected: 102, over: false },
  ])('$name', ({ open, cap, records, incoming, projected, over }) => {
    const [row] = projectedLoad(records, [{ poolId: 'p', userId: 'u1', openCount: open, wipCap: cap }]);
    expect(row).toMatchObject({ incoming, projected, over });
  });

  it('reports work moving away without subtracting it', () => {
    const [row] = projectedLoad([rec('a', 'u1', 'u2')], [{ poolId: 'p', userId: 'u1', openCount: 5, wipCap: 5 }]);
    expect(row).toMatchObject({ incoming: 0, outgoing: 1, projected: 5, over: false });
  });
});

describe('rule hits and the summary', () => {
  const order = [
    { id: 'r1', name: 'EMEA', catchAll: false },
    { id: 'r2', name: 'Big', catchAll: false },
    { id: 'rc', name: 'Everything else', catchAll: true },
  ];

  it('counts hits per rule in rule order, zero-hit rules included, unmatched last', () => {
    const hits = ruleHits([rec('a', null, 'u1', 'r1'), rec('b', null, 'u1', 'rc', true), rec('c', null, 'u1', 'rc', true), rec('d', null, null, null)], order);
    expect(hits.map((h) => [h.ruleId, h.hits])).toEqual([
      ['r1', 1],
      ['r2', 0],
      ['rc', 2],
      [null, 1],
    ]);
  });

  it('summarizes changed, unplaced and catch-all hits', () => {
    const summary = summarizeSimulation([rec('a', 'u1', 'u1', 'r1'), rec('b', 'u1', 'u2', 'rc', true), rec('c', 'u2', null, null)], [], order);
    expect(summary).toMatchObject({ records: 3, changed: 2, unplaced: 1, catchAllHits: 1 });
  });
});
