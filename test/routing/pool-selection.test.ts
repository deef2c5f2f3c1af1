import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyAssignment,
  bulkSelect,
  checkEligibility,
  type FairnessState,
  initialFairnessState,
  MAX_CATCH_UP_TURNS,
  type PoolConfig,
  type PoolMember,
  type PoolRequest,
  PoolSelectionError,
  selectMember,
  type Selection,
} from '../../src/routing/core/pool-selection.js';

function member(userId: string, position: number, overrides: Partial<PoolMember> = {}): PoolMember {
  return {
    userId,
    position,
    weight: 1,
    active: true,
    availability: 'available',
    wipCap: null,
    openCount: 0,
    rateCap: { perDay: null, perWeek: null },
    assignedToday: 0,
    assignedThisWeek: 0,
    criteriaCaps: [],
    skills: { regions: [], productLines: [] },
    ...overrides,
  };
}

const roundRobin: PoolConfig = { strategy: 'round_robin', returnPolicy: 'keep_position', useSkills: false };
const weighted: PoolConfig = { strategy: 'weighted', returnPolicy: 'keep_position', useSkills: false };
const leastLoaded: PoolConfig = { strategy: 'least_loaded', returnPolicy: 'keep_position', useSkills: false };
const withSkills: PoolConfig = { ...roundRobin, useSkills: true };

/** Runs `turns` decisions on the same members (nothing counted in), returning the picks and the final state. */
function run(config: PoolConfig, members: PoolMember[], turns: number, state: FairnessState = initialFairnessState()) {
  const picks: Array<string | null> = [];
  const selections: Selection[] = [];
  for (let turn = 0; turn < turns; turn += 1) {
    const selection = selectMember(config, members, state, {});
    picks.push(selection.chosen);
    selections.push(selection);
    state = selection.nextState;
  }
  return { picks, selections, state };
}

describe('eligibility, in the documented order', () => {
  const strategic = { name: 'strategic', max: 2, current: 2, applies: true };
  it.each<[string, PoolConfig, Partial<PoolMember>, PoolRequest, string | undefined, string | undefined]>([
    ['eligible', roundRobin, {}, {}, undefined, undefined],
    [
      'inactive comes before everything',
      roundRobin,
      { active: false, availability: 'out_of_office', wipCap: 0 },
      {},
      'inactive',
      undefined,
    ],
    ['out of office before caps', roundRobin, { availability: 'out_of_office', wipCap: 0 }, {}, 'out_of_office', undefined],
    ['outside hours before caps', roundRobin, { availability: 'outside_hours', wipCap: 0 }, {}, 'outside_hours', undefined],
    [
      'WIP cap reached before rate caps',
      roundRobin,
      { wipCap: 3, openCount: 3, rateCap: { perDay: 0, perWeek: 0 } },
      {},
      'wip_cap',
      '3 open of 3',
    ],
    ['under the WIP cap', roundRobin, { wipCap: 3, openCount: 2 }, {}, undefined, undefined],
    [
      'daily rate cap before weekly',
      roundRobin,
      { rateCap: { perDay: 2, perWeek: 2 }, assignedToday: 2, assignedThisWeek: 2 },
      {},
      'rate_cap_day',
      '2 today of 2',
    ],
    [
      'weekly rate cap before criteria',
      roundRobin,
      { rateCap: { perDay: 5, perWeek: 4 }, assignedToday: 1, assignedThisWeek: 4, criteriaCaps: [strategic] },
      {},
      'rate_cap_week',
      '4 this week of 4',
    ],
    [
      'criteria cap before skills',
      withSkills,
      { criteriaCaps: [strategic], skills: { regions: ['NA'], productLines: [] } },
      { region: 'EMEA' },
      'criteria_cap',
      'strategic',
    ],
    [
      'a full criteria cap the record does not count toward',
      roundRobin,
      { criteriaCaps: [{ ...strategic, applies: false }] },
      {},
      undefined,
      undefined,
    ],
    [
      'the request says which criteria the record counts toward',
      roundRobin,
      { criteriaCaps: [{ ...strategic, applies: false }] },
      { criteria: ['strategic'] },
      'criteria_cap',
      'strategic',
    ],
    ['the request can say a record does not count', roundRobin, { criteriaCaps: [strategic] }, { criteria: [] }, undefined, undefined],
    [
      'the first full criteria cap is named',
      roundRobin,
      { criteriaCaps: [{ ...strategic, name: 'enterprise', current: 1 }, strategic] },
      {},
      'criteria_cap',
      'strategic',
    ],
    [
      'region not listed',
      withSkills,
      { skills: { regions: ['NA', 'APAC'], productLines: [] } },
      { region: 'EMEA' },
      'skills',
      'region EMEA',
    ],
    [
      'product line not listed',
      withSkills,
      { skills: { regions: [], productLines: ['GTX'] } },
      { productLine: 'MG' },
      'skills',
      'product line MG',
    ],
    [
      'skills compare ignoring case and spaces',
      withSkills,
      { skills: { regions: ['emea '], productLines: [] } },
      { region: 'EMEA' },
      undefined,
      undefined,
    ],
    ['a member listing no regions takes any region', withSkills, {}, { region: 'EMEA' }, undefined, undefined],
    [
      'a record without a region fits a region specialist',
      withSkills,
      { skills: { regions: ['NA'], productLines: [] } },
      { region: null },
      undefined,
      undefined,
    ],
    [
      'skills are ignored when the pool does not use them',
      roundRobin,
      { skills: { regions: ['NA'], productLines: [] } },
      { region: 'EMEA' },
      undefined,
      undefined,
    ],
  ])('%s', (_label, config, overrides, request, skipped, detail) => {
    const verdict = checkEligibility(config, member('u1', 1, overrides), request);
    expect(verdict).toEqual(
      skipped === undefined ? { eligible: true } : { eligible: false, skipped, ...(detail === undefined ? {} : { detail }) },
    );
    const [candidate] = selectMember(config, [member('u1', 1, overrides)], initialFairnessState(), request).candidates;
    expect(candidate).toEqual(
      skipped === undefined
        ? { userId: 'u1', position: 1, eligible: true }
        : { userId: 'u1', position: 1, eligible: false, skipped, ...(detail === undefined ? {} : { detail }) },
    );
  });

  it('lists every member with the reason it was skipped, in pool order, and falls through when nobody is eligible', () => {
    const members = [
      member('carol', 3, { wipCap: 1, openCount: 1 }),
      member('alice', 1, { active: false }),
      member('bob', 2, { availability: 'out_of_office' }),
    ];
    const state = { pointer: 2, members: { alice: { credit: 0, missedTurns: 0, assignedTotal: 4 } } };
    const selection = selectMember(roundRobin, members, state, {});
    expect(selection.chosen).toBeNull();
    expect(selection.pickedBy).toBeNull();
    expect(selection.candidates).toEqual([
      { userId: 'alice', position: 1, eligible: false, skipped: 'inactive' },
      { userId: 'bob', position: 2, eligible: false, skipped: 'out_of_office' },
      { userId: 'carol', position: 3, eligible: false, skipped: 'wip_cap', detail: '1 open of 1' },
    ]);
    expect(selection.nextState.pointer).toBe(2);
    expect(selection.nextState.members.alice).toEqual({ credit: 0, missedTurns: 0, assignedTotal: 4 });
  });

  it.each<[string, PoolMember[]]>([
    ['a member listed twice', [member('a', 1), member('a', 2)]],
    ['two members at one position', [member('a', 1), member('b', 1)]],
    ['a zero weight', [member('a', 1, { weight: 0 })]],
    ['a fractional weight', [member('a', 1, { weight: 1.5 })]],
  ])('refuses %s', (_label, members) => {
    expect(() => selectMember(roundRobin, members, initialFairnessState(), {})).toThrow(PoolSelectionError);
  });
});

describe('strategies', () => {
  it('round robin goes in pool order after the pointer, wrapping, whatever order members are given in', () => {
    const members = [member('c', 30), member('a', 10), member('b', 20)];
    expect(run(roundRobin, members, 5).picks).toEqual(['a', 'b', 'c', 'a', 'b']);
    expect(run(roundRobin, members, 2, { pointer: 20, members: {} }).picks).toEqual(['c', 'a']);
    expect(run(roundRobin, members, 2, { pointer: 30, members: {} }).picks).toEqual(['a', 'b']);
  });

  it('round robin skips ineligible members without losing its place', () => {
    const members = [member('a', 1), member('b', 2, { wipCap: 0 }), member('c', 3)];
    const { picks, state } = run(roundRobin, members, 4);
    expect(picks).toEqual(['a', 'c', 'a', 'c']);
    expect(state.pointer).toBe(3);
    expect(state.members).toEqual({
      a: { credit: 0, missedTurns: 0, assignedTotal: 2 },
      b: { credit: 0, missedTurns: 0, assignedTotal: 0 },
      c: { credit: 0, missedTurns: 0, assignedTotal: 2 },
    });
  });

  it('weighted is smooth: 3:1 interleaves instead of bunching, ties go to pool order', () => {
    const members = [member('b', 2, { weight: 1 }), member('a', 1, { weight: 3 })];
    const { picks, selections } = run(weighted, members, 8);
    expect(picks).toEqual(['a', 'a', 'b', 'a', 'a', 'a', 'b', 'a']);
    expect(selections[0]!.candidates).toEqual([
      { userId: 'a', position: 1, eligible: true, detail: 'credit 3' },
      { userId: 'b', position: 2, eligible: true, detail: 'credit 1' },
    ]);
  });

  it('weighted: a weight change changes the share from the next turn', () => {
    const before = run(weighted, [member('a', 1), member('b', 2)], 4);
    expect(before.picks).toEqual(['a', 'b', 'a', 'b']);
    const after = run(weighted, [member('a', 1, { weight: 2 }), member('b', 2)], 6, before.state);
    expect(after.picks.filter((pick) => pick === 'a')).toHaveLength(4);
  });

  it('least loaded compares open work to capacity (WIP cap, else weight × 10), ties by position', () => {
    const members = [
      member('c', 3, { openCount: 1, wipCap: 5 }), // 0.2
      member('a', 1, { openCount: 5, weight: 1 }), // 0.5
      member('b', 2, { openCount: 4, weight: 2 }), // 0.2
    ];
    const selection = selectMember(leastLoaded, members, initialFairnessState(), {});
    expect(selection.chosen).toBe('b');
    expect(selection.candidates.map((candidate) => candidate.detail)).toEqual(['load 5/10', 'load 4/20', 'load 1/5']);
    const batch = bulkSelect(leastLoaded, members, initialFairnessState(), [{}, {}, {}]);
    expect(batch.selections.map((picked) => picked.chosen)).toEqual(['b', 'c', 'b']);
  });
});

describe('return from absence', () => {
  const team = (bobAway: boolean) => [
    member('alice', 1),
    member('bob', 2, bobAway ? { availability: 'out_of_office' } : {}),
    member('carol', 3),
  ];

  it('keep_position: the returning member resumes in the rotation and is owed nothing', () => {
    const away = run(roundRobin, team(true), 6);
    expect(away.picks).toEqual(['alice', 'carol', 'alice', 'carol', 'alice', 'carol']);
    expect(away.state.members.bob).toEqual({ credit: 0, missedTurns: 0, assignedTotal: 0 });
    const back = run(roundRobin, team(false), 3, away.state);
    expect(back.picks).toEqual(['alice', 'bob', 'carol']);
    expect(back.selections.every((selection) => selection.pickedBy === 'rotation')).toBe(true);
  });

  it('keep_position in a weighted pool: credit is frozen while away', () => {
    const members = (bobAway: boolean) => [
      member('alice', 1, { weight: 2 }),
      member('bob', 2, { weight: 3, ...(bobAway ? { availability: 'out_of_office' as const } : {}) }),
    ];
    const warmUp = run(weighted, members(false), 3);
    const away = run(weighted, members(true), 7, warmUp.state);
    expect(away.state.members.bob!.credit).toBe(warmUp.state.members.bob!.credit);
    expect(away.picks.every((pick) => pick === 'alice')).toBe(true);
  });

  it('catch_up: the returning member is owed their share of the turns missed and served first', () => {
    const catchUp: PoolConfig = { ...roundRobin, returnPolicy: 'catch_up' };
    const away = run(catchUp, team(true), 6);
    expect(away.state.members.bob!.missedTurns).toBe(2);
    const back = run(catchUp, team(false), 5, away.state);
    expect(back.picks).toEqual(['bob', 'bob', 'alice', 'bob', 'carol']);
    expect(back.selections.map((selection) => selection.pickedBy)).toEqual(['catch_up', 'catch_up', 'rotation', 'rotation', 'rotation']);
    expect(back.selections[0]!.candidates[1]).toEqual({ userId: 'bob', position: 2, eligible: true, detail: 'owed 2 turns' });
    expect(back.state.members.bob).toEqual({ credit: 0, missedTurns: 0, assignedTotal: 3 });
  });

  it('catch_up: someone still away is owed a share of the turns others spend catching up', () => {
    const catchUp: PoolConfig = { ...roundRobin, returnPolicy: 'catch_up' };
    const away = (bobAway: boolean) => [
      member('alice', 1),
      member('bob', 2, bobAway ? { availability: 'out_of_office' } : {}),
      member('carol', 3, { availability: 'out_of_office' }),
    ];
    const bothAway = run(catchUp, away(true), 6);
    expect(bothAway.state.members.carol!.missedTurns).toBe(2);
    const bobBack = run(catchUp, away(false), 3, bothAway.state);
    // Two catch-up picks, then the rotation resumes after alice, whose turn it was: bob again.
    expect(bobBack.picks).toEqual(['bob', 'bob', 'bob']);
    expect(bobBack.selections.map((selection) => selection.pickedBy)).toEqual(['catch_up', 'catch_up', 'rotation']);
    expect(bobBack.state.members.carol!.missedTurns).toBe(3);
  });

  it(`catch_up: a long absence is capped at ${MAX_CATCH_UP_TURNS} turns`, () => {
    const catchUp: PoolConfig = { ...weighted, returnPolicy: 'catch_up' };
    const away = run(catchUp, team(true), 300);
    expect(away.state.members.bob!.missedTurns).toBe(MAX_CATCH_UP_TURNS);
    const back = run(catchUp, team(false), MAX_CATCH_UP_TURNS + 3, away.state);
    expect(back.picks.slice(0, MAX_CATCH_UP_TURNS).every((pick) => pick === 'bob')).toBe(true);
    expect(back.picks.slice(MAX_CATCH_UP_TURNS)).toEqual(expect.arrayContaining(['alice', 'carol']));
  });

  it('catch_up: being outside working hours is not an absence, and switching to keep_position forgives what is owed', () => {
    const catchUp: PoolConfig = { ...roundRobin, returnPolicy: 'catch_up' };
    const night = run(catchUp, [member('alice', 1), member('bob', 2, { availability: 'outside_hours' })], 5);
    expect(night.state.members.bob!.missedTurns).toBe(0);
    const away = run(catchUp, team(true), 6);
    const switched = selectMember(roundRobin, team(false), away.state, {});
    expect(switched.nextState.members.bob!.missedTurns).toBe(0);
    expect(switched.pickedBy).toBe('rotation');
  });
});

describe('pool selection properties', () => {
  const REGIONS = ['EMEA', 'NA', 'APAC'];
  const LINES = ['GTX', 'MG'];
  const CRITERIA = ['strategic', 'enterprise'];

  const memberFields = fc.record({
    weight: fc.integer({ min: 1, max: 5 }),
    active: fc.integer({ min: 0, max: 4 }).map((roll) => roll !== 0),
    availability: fc.constantFrom('available', 'available', 'available', 'out_of_office', 'outside_hours') as fc.Arbitrary<
      PoolMember['availability']
    >,
    wipCap: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }),
    openCount: fc.integer({ min: 0, max: 6 }),
    rateCap: fc.record({
      perDay: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
      perWeek: fc.option(fc.integer({ min: 0, max: 8 }), { nil: null }),
    }),
    assignedToday: fc.integer({ min: 0, max: 5 }),
    assignedThisWeek: fc.integer({ min: 0, max: 8 }),
    criteriaCaps: fc.subarray(CRITERIA).chain((names) =>
      fc.tuple(
        ...names.map((name) =>
          fc.record({
            name: fc.constant(name),
            max: fc.integer({ min: 0, max: 4 }),
            current: fc.integer({ min: 0, max: 4 }),
            applies: fc.boolean(),
          }),
        ),
      ),
    ),
    skills: fc.record({ regions: fc.subarray(REGIONS), productLines: fc.subarray(LINES) }),
  });
  const pool = fc
    .uniqueArray(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 7 })
    .chain((positions) =>
      fc.tuple(...positions.map((position) => memberFields.map((fields): PoolMember => ({ ...fields, userId: `u${position}`, position })))),
    );
  const request: fc.Arbitrary<PoolRequest> = fc.record({
    region: fc.option(fc.constantFrom(...REGIONS), { nil: null }),
    productLine: fc.option(fc.constantFrom(...LINES), { nil: null }),
    criteria: fc.option(fc.subarray(CRITERIA), { nil: null }),
  });
  const config: fc.Arbitrary<PoolConfig> = fc.record({
    strategy: fc.constantFrom('round_robin', 'weighted', 'least_loaded'),
    returnPolicy: fc.constantFrom('keep_position', 'catch_up'),
    useSkills: fc.boolean(),
  });
  const fairnessState = (members: PoolMember[]): fc.Arbitrary<FairnessState> =>
    fc.record({
      pointer: fc.integer({ min: -1, max: 51 }),
      members: fc
        .tuple(
          ...members.map(() =>
            fc.record({
              credit: fc.integer({ min: -10, max: 10 }),
              missedTurns: fc.integer({ min: 0, max: 5 }),
              assignedTotal: fc.nat(20),
            }),
          ),
        )
        .map((entries) => Object.fromEntries(members.map((m, i) => [m.userId, entries[i]!]))),
    });
  const decision = fc
    .tuple(config, pool)
    .chain(([cfg, members]) => fc.tuple(fc.constant(cfg), fc.constant(members), fairnessState(members), request));

  it('round robin among always-eligible members never differs by more than 1 over any prefix', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 100 }), { minLength: 2, maxLength: 8 }),
        fc.integer({ min: -1, max: 101 }),
        fc.integer({ min: 1, max: 60 }),
        (positions, pointer, turns) => {
          const members = positions.map((position) => member(`u${position}`, position));
          const counts = new Map(members.map((m) => [m.userId, 0]));
          for (const pick of run(roundRobin, members, turns, { pointer, members: {} }).picks) {
            counts.set(pick!, counts.get(pick!)! + 1);
            expect(Math.max(...counts.values()) - Math.min(...counts.values())).toBeLessThanOrEqual(1);
          }
        },
      ),
    );
  });

  it('weighted shares converge to the weights: exact every Σw turns, and within 2 picks (share within 2/turns) in between', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 6 }),
        fc.integer({ min: 1, max: 4 }),
        (weights, cycles) => {
          const members = weights.map((weight, i) => member(`u${i}`, i + 1, { weight }));
          const totalWeight = weights.reduce((sum, w) => sum + w, 0);
          const counts = weights.map(() => 0);
          run(weighted, members, totalWeight * cycles).picks.forEach((pick, turn) => {
            counts[Number(pick!.slice(1))]! += 1;
            const turns = turn + 1;
            weights.forEach((weight, i) => {
              // Smooth WRR strays a little over one pick for some weight mixes (about 1.06 at most in a search over 6-member mixes of weights 1–6).
              expect(Math.abs(counts[i]! - (turns * weight) / totalWeight)).toBeLessThan(2);
              if (turns % totalWeight === 0) expect(counts[i]).toBe((turns / totalWeight) * weight);
            });
          });
        },
      ),
    );
  });

  it('bulkSelect never exceeds a cap and equals selecting one request at a time', () => {
    fc.assert(
      fc.property(decision, fc.array(request, { maxLength: 25 }), ([cfg, members, state], requests) => {
        const batch = bulkSelect(cfg, members, state, requests);
        let sequentialMembers = members;
        let sequentialState = state;
        requests.forEach((req, i) => {
          const selection = selectMember(cfg, sequentialMembers, sequentialState, req);
          expect(batch.selections[i]).toEqual(selection);
          sequentialState = selection.nextState;
          sequentialMembers = sequentialMembers.map((m) => (m.userId === selection.chosen ? applyAssignment(m, req) : m));
        });
        expect(batch.members).toEqual(sequentialMembers);
        expect(batch.state).toEqual(sequentialState);
        for (const after of batch.members) {
          const before = members.find((m) => m.userId === after.userId)!;
          const limit = (cap: number | null, start: number, end: number) => cap === null || end <= Math.max(cap, start);
          expect(limit(after.wipCap, before.openCount, after.openCount)).toBe(true);
          expect(limit(after.rateCap.perDay, before.assignedToday, after.assignedToday)).toBe(true);
          expect(limit(after.rateCap.perWeek, before.assignedThisWeek, after.assignedThisWeek)).toBe(true);
          after.criteriaCaps.forEach((cap, i) =>
            expect(cap.current).toBeLessThanOrEqual(Math.max(cap.max, before.criteriaCaps[i]!.current)),
          );
          if (before.availability !== 'available' || !before.active) expect(after.openCount).toBe(before.openCount);
        }
        const picked = batch.selections.filter((selection) => selection.chosen !== null).length;
        const totalAssigned = (s: FairnessState) => Object.values(s.members).reduce((sum, entry) => sum + entry.assignedTotal, 0);
        expect(totalAssigned(batch.state) - totalAssigned(state)).toBe(picked);
        for (const entry of Object.values(batch.state.members)) expect(entry.missedTurns).toBeLessThanOrEqual(MAX_CATCH_UP_TURNS);
      }),
    );
  });

  it('the same inputs give the same output, and inputs are never mutated', () => {
    fc.assert(
      fc.property(decision, ([cfg, members, state, req]) => {
        const frozen = structuredClone({ cfg, members, state, req });
        const first = selectMember(cfg, members, state, req);
        expect(selectMember(structuredClone(cfg), structuredClone(members), structuredClone(state), structuredClone(req))).toEqual(first);
        expect(selectMember(cfg, [...members].reverse(), state, req)).toEqual(first);
        expect({ cfg, members, state, req }).toEqual(frozen);
      }),
    );
  });

  it('the candidates explain the decision and the recorded state reproduces it', () => {
    fc.assert(
      fc.property(decision, ([cfg, members, state, req]) => {
        const recorded = JSON.parse(JSON.stringify({ members, state, req })) as {
          members: PoolMember[];
          state: FairnessState;
          req: PoolRequest;
        };
        const selection = selectMember(cfg, members, state, req);
        expect(selection.candidates.map((c) => c.userId).sort()).toEqual(members.map((m) => m.userId).sort());
        expect(selection.candidates.map((c) => c.position)).toEqual([...members.map((m) => m.position)].sort((a, b) => a - b));
        for (const candidate of selection.candidates) {
          const verdict = checkEligibility(
            cfg,
            members.find((m) => m.userId === candidate.userId)!,
            req,
          );
          expect(candidate.eligible).toBe(verdict.eligible);
          if (!verdict.eligible) expect(candidate.skipped).toBe(verdict.skipped);
        }
        const eligible = selection.candidates.filter((c) => c.eligible).map((c) => c.userId);
        if (selection.chosen === null) expect(eligible).toEqual([]);
        else expect(eligible).toContain(selection.chosen);
        expect(selectMember(cfg, recorded.members, recorded.state, recorded.req)).toEqual(selection);
      }),
    );
  });
});
