import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ScorecardInputs,
  average,
  buildScorecards,
  emptyInputs,
  median,
  monthlyPeriods,
  paperFlag,
  ratio,
  territoryPeers,
} from '../../src/channel/core/scorecard.js';

const policy = { paperMinActive: 8, paperMaxWinRate: 0.15, paperWindowDays: 180 };
const partner = (id: string, territory: string[], over: Partial<ScorecardInputs> = {}): ScorecardInputs => ({
  ...emptyInputs({ partnerId: id, partnerName: id, tier: 'gold', territory }),
  ...over,
});

describe('scorecard math', () => {
  it.each([
    [0, 0, null],
    [0, 4, 0],
    [1, 4, 0.25],
    [4, 4, 1],
  ])('ratio(%d, %d) = %s', (part, whole, expected) => expect(ratio(part, whole)).toBe(expected));

  it.each([
    [[], null],
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[10, 10, 1], 10],
  ])('median(%j) = %s', (values, expected) => expect(median(values)).toBe(expected));

  it.each([
    [[], null],
    [[1_000_000, 3_000_000], 2_000_000],
  ])('average(%j) = %s', (values, expected) => expect(average(values)).toBe(expected));

  it.each([
    ['many active, no wins', { activeAtEnd: 8, trailingWon: 0, trailingLost: 5 }, true, 0],
    ['many active, nothing closed counts as 0', { activeAtEnd: 9, trailingWon: 0, trailingLost: 0 }, true, null],
    ['many active, win rate at the threshold', { activeAtEnd: 20, trailingWon: 3, trailingLost: 17 }, false, 0.15],
    ['many active, just under the threshold', { activeAtEnd: 20, trailingWon: 1, trailingLost: 9 }, true, 0.1],
    ['few active', { activeAtEnd: 7, trailingWon: 0, trailingLost: 10 }, false, 0],
  ])('paper flag: %s', (_label, inputs, flagged, rate) => {
    const paper = paperFlag(inputs, policy);
    expect(paper.flagged).toBe(flagged);
    expect(paper.trailingWinRate).toBe(rate);
    expect(paper).toMatchObject({ minActive: 8, maxWinRate: 0.15, windowDays: 180, activeRegistrations: inputs.activeAtEnd });
  });

  it('peers share a territory region (case-insensitive), never the partner itself', () => {
    const all = [partner('a', ['EMEA']), partner('b', ['emea', 'APAC']), partner('c', ['APAC']), partner('d', [])];
    expect(territoryPeers(all[0]!, all).map((p) => p.partnerId)).toEqual(['b']);
    expect(territoryPeers(all[1]!, all).map((p) => p.partnerId)).toEqual(['a', 'c']);
    expect(territoryPeers(all[3]!, all)).toEqual([]);
  });

  it('builds a scorecard with exact numbers', () => {
    const [a] = buildScorecards(
      [
        partner('a', ['EMEA'], { activeAtEnd: 3, approved: 5, rejected: 1, won: 2, lost: 1, expired: 1, wonAmountsMinor: [1_000_000, 3_000_000], closeDays: [72, 50, 40], unregisteredWon: 1, unregisteredLost: 2 }),
        partner('b', ['EMEA'], { wonAmountsMinor: [1_000_000, 2_000_000] }),
        partner('c', ['EMEA'], { wonAmountsMinor: [] }),
        partner('x', ['NA'], { wonAmountsMinor: [99_000_000] }),
      ],
      policy,
    );
    expect(a).toMatchObject({
      activeRegistrations: 3,
      approvalRate: 5 / 6,
      winRateRegistered: 2 / 3,
      winRateUnregistered: 1 / 3,
      averageDealSizeMinor: 2_000_000,
      territoryPeerMedianMinor: 1_500_000,
      territoryPeers: 1,
      medianRegistrationToCloseDays: 50,
      closed: 4,
      expiredShare: 0.25,
    });
  });

  it('gives the 12 calendar months up to the one containing the end', () => {
    const months = monthlyPeriods(new Date('2026-04-01T00:00:00Z'));
    expect(months.map((m) => m.month)).toEqual(['2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03']);
    expect(months[11]).toMatchObject({ from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') });
    expect(monthlyPeriods(new Date('2026-04-15T10:00:00Z'), 2).map((m) => m.month)).toEqual(['2026-03', '2026-04']);
  });
});

const count = fc.nat({ max: 50 });
const inputsArb = fc
  .uniqueArray(
    fc.record({
      partnerId: fc.uuid(),
      territory: fc.subarray(['EMEA', 'APAC', 'NA', 'LATAM']),
      activeAtEnd: count,
      approved: count,
      rejected: count,
      won: count,
      lost: count,
      expired: count,
      withdrawn: count,
      wonAmountsMinor: fc.array(fc.integer({ min: 1, max: 1e10 }), { maxLength: 6 }),
      closeDays: fc.array(fc.double({ min: 0, max: 2000, noNaN: true }), { maxLength: 6 }),
      unregisteredWon: count,
      unregisteredLost: count,
      trailingWon: count,
      trailingLost: count,
    }),
    { selector: (p) => p.partnerId, minLength: 1, maxLength: 8 },
  )
  .map((ps) => ps.map((p) => ({ ...p, partnerName: p.partnerId, tier: 'silver' })));

describe('scorecard properties', () => {
  it('every rate is in [0, 1] or null when nothing was decided', () => {
    fc.assert(
      fc.property(inputsArb, (inputs) => {
        for (const s of buildScorecards(inputs, policy)) {
          for (const rate of [s.approvalRate, s.winRateRegistered, s.winRateUnregistered, s.expiredShare, s.paper.trailingWinRate]) {
            if (rate !== null) expect(rate >= 0 && rate <= 1).toBe(true);
          }
          expect(s.approvalRate === null).toBe(s.approved + s.rejected === 0);
        }
      }),
    );
  });

  it('a partner’s peer median excludes the partner itself: its own deals never move it', () => {
    fc.assert(
      fc.property(inputsArb, fc.array(fc.integer({ min: 1, max: 1e10 }), { maxLength: 6 }), (inputs, otherAmounts) => {
        const before = buildScorecards(inputs, policy);
        const changed = buildScorecards([{ ...inputs[0]!, wonAmountsMinor: otherAmounts }, ...inputs.slice(1)], policy);
        expect(changed[0]!.territoryPeerMedianMinor).toBe(before[0]!.territoryPeerMedianMinor);
        expect(changed[0]!.territoryPeers).toBe(before[0]!.territoryPeers);
        const peerAverages = territoryPeers(inputs[0]!, inputs)
          .map((p) => average(p.wonAmountsMinor))
          .filter((v): v is number => v !== null)
          .map(Math.round);
        expect(before[0]!.territoryPeers).toBe(peerAverages.length);
        expect(before[0]!.territoryPeerMedianMinor).toBe(peerAverages.length ? Math.round(median(peerAverages)!) : null);
      }),
    );
  });
});
