import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Explanation,
  fieldsRead,
  fieldsReadUpTo,
  isStoredExplanation,
  pickFacts,
  renderExplanation,
  storedExplanation,
} from '../../src/routing/core/explanation.js';
import { type Rule, type RuleVerdict, compileRuleSet } from '../../src/routing/core/ruleset.js';
import { inTransaction } from '../../src/platform/use-case-context.js';
import { CHUNK, routeChunk } from '../../src/routing/use-cases/route-records-batch.js';
import { routeUnownedRecords } from '../../src/routing/use-cases/route-unowned-records.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

const facts = { amount: 500, region: 'EMEA' };
const verdicts: RuleVerdict[] = [
  { ruleId: 'r1', name: 'Big deals', matched: false, failed: [{ field: 'amount', op: 'gte', value: 100_000, actual: 500 }] },
  { ruleId: 'r2', name: 'EMEA', matched: true, failed: [] },
];
const full: Explanation = {
  rules: verdicts,
  target: { type: 'pool', id: 'p' },
  path: ['pool:p'],
  candidates: [{ userId: 'u1', position: 0, eligible: false, skipped: 'wip_cap', detail: '3 open of 3' }],
  facts,
  evaluatedAt: '2026-01-05T10:00:00.000Z',
};
const guardPlaced: Explanation = {
  ...full,
  rules: [],
  guard: { accountId: 'a', partnerId: 'p', basis: 'channel_partner', applied: true, channelManagerId: 'm', note: 'n' },
};

const tuples = [['u1', 0, false, 'wip_cap', '3 open of 3']];

describe('stored explanation (pure)', () => {
  it.each([
    {
      name: 'verdicts left out, facts the rules read, candidates as tuples, the scope',
      input: full,
      scope: 'all' as const,
      read: ['amount'],
      stored: { ...full, rules: undefined, facts: { amount: 500 }, candidates: tuples, ruleScope: 'all' },
    },
    {
      name: 'stage-change scope is recorded',
      input: full,
      scope: 'transitions' as const,
      read: ['region', 'amount'],
      stored: { ...full, rules: undefined, facts, candidates: tuples, ruleScope: 'transitions' },
    },
    {
      name: 'no verdicts (guard placed, no rule set): stored whole',
      input: guardPlaced,
      scope: 'all' as const,
      read: [],
      stored: guardPlaced,
    },
  ])('$name', ({ input, scope, read, stored }) => {
    expect(JSON.parse(JSON.stringify(storedExplanation(input, scope, read)))).toEqual(JSON.parse(JSON.stringify(stored)));
  });

  it.each([
    { name: 'a leaf', conditions: [{ field: 'amount', op: 'gte', value: 1 }], fields: ['amount'] },
    {
      name: 'nested groups, each field once',
      conditions: [
        {
          all: [
            { field: 'region', op: 'eq', value: 'x' },
            { any: [{ field: 'account.segment', op: 'eq', value: 'y' }, { not: { field: 'region', op: 'exists' } }] },
          ],
        },
      ],
      fields: ['region', 'account.segment'],
    },
    {
      name: 'changedTo reads the previous value too',
      conditions: [{ field: 'stage', op: 'changedTo', value: 'Won' }],
      fields: ['stage', 'previous.stage'],
    },
    { name: 'a catch-all and a rule without condition read nothing', conditions: [{ all: [] }, undefined], fields: [] },
  ])('fieldsRead: $name', ({ conditions, fields }) => {
    expect(fieldsRead(conditions as never)).toEqual(fields);
  });

  it('reads the rules up to and including the winner only', () => {
    const rules = [
      { when: { field: 'a', op: 'eq', value: 1 } },
      { when: { field: 'b', op: 'eq', value: 1 } },
      { when: { field: 'c', op: 'eq', value: 1 } },
    ];
    expect(fieldsReadUpTo(rules as never, 1)).toEqual(['a', 'b']);
  });

  const account = { id: 'a1', region: 'East', attributes: { tier: 'gold', x: 1 } };
  it.each([
    {
      name: 'top-level fields, null kept',
      paths: ['amount', 'source'],
      facts: { amount: 5, source: null, region: 'East' },
      picked: { amount: 5, source: null },
    },
    { name: 'a missing field stays missing', paths: ['region'], facts: { amount: 5 }, picked: {} },
    {
      name: 'nested fields keep their nesting',
      paths: ['account.region', 'account.attributes.tier'],
      facts: { account },
      picked: { account: { region: 'East', attributes: { tier: 'gold' } } },
    },
    { name: 'a missing parent object', paths: ['account.region'], facts: { amount: 1 }, picked: {} },
    { name: 'a null parent is kept as null', paths: ['account.region'], facts: { account: null }, picked: { account: null } },
    { name: 'a whole object read, then one of its fields', paths: ['account', 'account.region'], facts: { account }, picked: { account } },
    { name: 'one field, then the whole object', paths: ['account.region', 'account'], facts: { account }, picked: { account } },
  ])('pickFacts: $name', ({ paths, facts: input, picked }) => {
    const before = JSON.stringify(input);
    expect(pickFacts(input, paths)).toEqual(picked);
    expect(JSON.stringify(input)).toBe(before);
  });

  it.each([
    {
      name: 'the compact form',
      value: { target: null, path: [], candidates: [], facts: {}, evaluatedAt: 'x', ruleScope: 'all' },
      expected: true,
    },
    { name: 'a whole explanation (rows stored before, or by the guard)', value: full, expected: false },
    { name: 'a manual reassignment', value: { manual: { by: 'x', reasonCode: 'c', reason: 'r' } }, expected: false },
    { name: 'an escalation', value: { escalation: { timerId: 't' } }, expected: false },
    { name: 'null', value: null, expected: false },
  ])('recognises $name: $expected', ({ value, expected }) => {
    expect(isStoredExplanation(value)).toBe(expected);
  });

  it('renders the verdicts of the given evaluation at the stored time, on the stored facts', () => {
    const seen: Array<[unknown, number]> = [];
    const stored = storedExplanation(full, 'all', ['amount', 'region']);
    if (!isStoredExplanation(stored)) throw new Error('expected the compact form');
    const rendered = renderExplanation(stored, (f, now) => {
      seen.push([f, now]);
      return verdicts;
    });
    expect(seen).toEqual([[facts, Date.parse(full.evaluatedAt)]]);
    expect(rendered).toEqual(full);
  });

  it('round trip through the real rule engine gives back the verdicts, actual values included', () => {
    const rules: Rule[] = [
      {
        id: 'r1',
        name: 'Big deals',
        when: { field: 'amount', op: 'gte', value: 100_000 },
        then: { target: { type: 'user', id: randomUUID() } },
      },
      { id: 'r2', name: 'EMEA', when: { field: 'region', op: 'eq', value: 'EMEA' }, then: { target: { type: 'pool', id: randomUUID() } } },
      { id: 'r3', name: 'Rest', when: { field: 'country', op: 'eq', value: 'FR' }, then: { target: { type: 'pool', id: randomUUID() } } },
    ];
    const engine = compileRuleSet(rules);
    const wide = { ...full, facts: { ...facts, country: 'FR', name: 'Acme' } };
    const stored = JSON.parse(JSON.stringify(storedExplanation(wide, 'all', fieldsReadUpTo(rules, engine.match(wide.facts, 0)))));
    expect(stored.rules).toBeUndefined();
    expect(stored.facts).toEqual(facts);
    expect(renderExplanation(stored, (f, now) => engine.explain(f, now).rules)).toEqual(full);
  });
});

type User = Awaited<ReturnType<TestApp['userWithToken']>>;
let t: TestApp;
let admin: User;
let reps: User[];
let bigDeals: User;
let poolId: string;
let rules: Array<{ id: string; name: string; when: unknown; then: unknown }>;

const post = (url: string, payload: unknown, who: User = admin) =>
  t.app.inject({ method: 'POST', url, headers: who.headers, payload: payload as object });
const get = (url: string, who: User = admin) => t.app.inject({ method: 'GET', url, headers: who.headers });

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.userWithToken('admin');
  reps = [await t.userWithToken('sales_rep'), await t.userWithToken('sales_rep')];
  bigDeals = await t.userWithToken('sales_rep');
  poolId = (
    await post('/api/v1/pools', { name: 'EMEA reps', strategy: 'round_robin', members: reps.map((r) => ({ userId: r.id })) })
  ).json().id;
  const queueId = (await post('/api/v1/queues', { name: 'Triage', ownerId: admin.id })).json().id;
  rules = [
    {
      id: randomUUID(),
      name: 'Big deals',
      when: { field: 'amount', op: 'gte', value: 100_000 },
      then: { target: { type: 'user', id: bigDeals.id } },
    },
    {
      id: randomUUID(),
      name: 'EMEA',
      when: { all: [{ field: 'region', op: 'eq', value: 'EMEA' }, { not: { field: 'source', op: 'eq', value: 'spam' } }] },
      then: { target: { type: 'pool', id: poolId } },
    },
    { id: randomUUID(), name: 'Everything else', when: { all: [] }, then: { target: { type: 'queue', id: queueId } } },
  ];
  await t.database.superuser(
    `insert into rulesets (record_type, name, number, status, rules, published_at, created_at, updated_at) values ('lead', 'Leads', 1, 'published', $1, now(), now(), now())`,
    [JSON.stringify(rules)],
  );
});
afterAll(() => t.close());

describe('stored explanation through the API', () => {
  it('the record page and the assignment list show the explanation the decision returned (facts: those its rules read), from a ledger row without verdicts', async () => {
    // The facts the deciding rules read (the rules up to the winner), as the record had them.
    for (const [input, read] of [
      [
        { name: 'EMEA small', region: 'EMEA', amount: 12_000, source: 'web' },
        { amount: 12_000, region: 'EMEA', source: 'web' },
      ],
      [{ name: 'Big one', region: 'EMEA', amount: 250_000 }, { amount: 250_000 }],
      [
        { name: 'Elsewhere', region: 'APAC', amount: 50 },
        { amount: 50, region: 'APAC', source: null },
      ],
    ] as const) {
      const created = await post('/api/v1/leads', input);
      expect(created.statusCode, created.body).toBe(201);
      const lead = created.json();
      const { facts: decidedFacts, ...decided } = lead.assignment.explanation;
      expect(decided.rules.length).toBeGreaterThan(0);
      expect(decidedFacts).toMatchObject(read);

      const stored = await t.database.superuser<{ explanation: Record<string, unknown>; id: string }>(
        'select id, explanation from assignments where record_id = $1',
        [lead.id],
      );
      expect(stored.rows[0]!.explanation.rules).toBeUndefined();
      expect(stored.rows[0]!.explanation.ruleScope).toBe('all');

      const timeline = await get(`/api/v1/records/lead/${lead.id}/ownership`);
      expect(timeline.statusCode, timeline.body).toBe(200);
      expect(timeline.json().assignments[0].explanation).toEqual({ ...decided, facts: read });
      const listed = await get(`/api/v1/assignments?recordId=${lead.id}`);
      expect(listed.statusCode, listed.body).toBe(200);
      expect(listed.json().items[0].explanation).toEqual({ ...decided, facts: read });
    }
  });

  it('a bulk-routed record shows every rule tried, why it failed with the actual value, and the pool candidates', async () => {
    const ids: string[] = [];
    for (const input of [
      { name: 'Bulk 1', region: 'EMEA', amount: 700, source: 'web' },
      { name: 'Bulk 2', region: 'EMEA', amount: 800, source: 'spam' },
    ]) {
      const lead = (await post('/api/v1/leads', input)).json();
      ids.push(lead.id);
    }
    const res = await post('/api/v1/routing/route-batch', { recordType: 'lead', recordIds: ids });
    expect(res.statusCode, res.body).toBe(200);
    const [first, second] = await Promise.all(
      ids.map(async (id) => (await get(`/api/v1/records/lead/${id}/ownership`)).json().assignments[0]),
    );
    expect(first.explanation.rules).toEqual([
      { ruleId: rules[0]!.id, name: 'Big deals', matched: false, failed: [{ field: 'amount', op: 'gte', value: 100_000, actual: 700 }] },
      { ruleId: rules[1]!.id, name: 'EMEA', matched: true, failed: [] },
    ]);
    expect(first.explanation).toMatchObject({
      target: { type: 'pool', id: poolId },
      path: [`pool:${poolId}`],
      facts: { amount: 700, region: 'EMEA', source: 'web' },
    });
    expect(first.explanation.candidates.map((c: { userId: string }) => c.userId).sort()).toEqual(reps.map((r) => r.id).sort());
    expect(first.ruleId).toBe(rules[1]!.id);
    expect(second.explanation.rules).toEqual([
      { ruleId: rules[0]!.id, name: 'Big deals', matched: false, failed: [{ field: 'amount', op: 'gte', value: 100_000, actual: 800 }] },
      { ruleId: rules[1]!.id, name: 'EMEA', matched: false, failed: [{ field: 'source', op: 'eq', value: 'spam', actual: 'spam' }] },
      { ruleId: rules[2]!.id, name: 'Everything else', matched: true, failed: [] },
    ]);
    expect(second.ruleId).toBe(rules[2]!.id);
  });

  it('rows stored whole (before the compact form) are shown as stored', async () => {
    const lead = (await post('/api/v1/leads', { name: 'Legacy', region: 'APAC' })).json();
    const legacy = { ...full, facts: { region: 'APAC' } };
    // The ledger is append-only; a row as the old code wrote it is added beside the current one, closed.
    await t.database.superuser(
      `insert into assignments (record_type, record_id, owner_id, reason_code, reason, due_at, source, ruleset_id, explanation, actor_label, created_at, closed_at, closed_reason)
       select 'lead', $1, owner_id, 'rule', 'legacy', due_at, 'rule', ruleset_id, $2, 'test', created_at - interval '1 hour', now(), 'reassigned' from assignments where record_id = $1`,
      [lead.id, JSON.stringify(legacy)],
    );
    const timeline = (await get(`/api/v1/records/lead/${lead.id}/ownership`)).json();
    expect(timeline.assignments[1].explanation).toEqual(legacy);
    expect(timeline.assignments[0].explanation).toEqual({
      ...lead.assignment.explanation,
      facts: { amount: null, region: 'APAC', source: null },
    });
  });
});

describe('routing every unowned lead in keyset pages', () => {
  it('routes them all, page by page, leaves owned ones alone, and reports progress', async () => {
    const before = await t.database.superuser<{ id: string; owner_id: string; current_assignment_id: string }>(
      'select id, owner_id, current_assignment_id from leads where owner_id is not null',
    );
    const n = CHUNK + 150;
    await t.database.superuser(
      `insert into leads (name, region, amount, created_at, updated_at) select 'Unowned ' || i, 'EMEA', 1000 + i, now(), now() from generate_series(1, $1::int) as i`,
      [n],
    );
    const progress: Array<[number, number]> = [];
    const result = await routeUnownedRecords(t.system, { recordType: 'lead' }, (done, total) => progress.push([done, total]));
    expect(result).toMatchObject({ routed: n, assigned: n, unassigned: 0, missing: 0 });
    expect(progress).toEqual([
      [CHUNK, n],
      [n, n],
    ]);
    const open = await t.database.superuser<{ leads: string; unowned: string; not_one_open: string }>(
      `select count(*) as leads, count(*) filter (where l.owner_id is null) as unowned,
              count(*) filter (where (select count(*) from assignments a where a.record_type = 'lead' and a.record_id = l.id and a.closed_at is null) <> 1) as not_one_open
       from leads l where l.name like 'Unowned %'`,
    );
    expect(open.rows[0]).toEqual({ leads: String(n), unowned: '0', not_one_open: '0' });
    const after = await t.database.superuser<{ id: string; owner_id: string; current_assignment_id: string }>(
      'select id, owner_id, current_assignment_id from leads where id = any($1)',
      [before.rows.map((r) => r.id)],
    );
    expect(after.rows.sort((a, b) => a.id.localeCompare(b.id))).toEqual(before.rows.sort((a, b) => a.id.localeCompare(b.id)));
    expect((await get('/api/v1/audit/verify')).json().ok).toBe(true);
  });

  it('arms the same timers as single routing, the due-soon reminder included', async () => {
    await t.database.superuser(`insert into leads (name, region, amount, created_at, updated_at) values ('Unowned timers', 'EMEA', 1234, now(), now())`);
    await routeUnownedRecords(t.system, { recordType: 'lead' });
    const single = (await post('/api/v1/leads', { name: 'Single timers', region: 'EMEA', amount: 1234 })).json();
    const timers = (name: string) =>
      t.database.superuser<{ action: string; step_index: number; before_due: string }>(
        `select t.action, t.step_index, extract(epoch from a.due_at - t.fire_at)::text as before_due
         from escalation_timers t join assignments a on a.id = t.assignment_id join leads l on l.current_assignment_id = a.id
         where l.name = $1 order by t.step_index`,
        [name],
      );
    const bulk = (await timers('Unowned timers')).rows;
    expect(single.assignment.ownerId).toBeTruthy();
    expect(bulk.map((r) => r.action)).toContain('due_soon');
    expect(bulk).toEqual((await timers('Single timers')).rows);
  });

  it('leaves alone a record that has an owner by the time its page is locked', async () => {
    const owned = (await post('/api/v1/leads', { name: 'Owned meanwhile', region: 'EMEA' })).json();
    await t.database.superuser(`insert into leads (name, region, created_at, updated_at) values ('Still unowned', 'EMEA', now(), now())`);
    const unowned = (await t.database.superuser<{ id: string }>(`select id from leads where name = 'Still unowned'`)).rows[0]!.id;
    // The page was read when both were unowned; the first gained its owner before the chunk locked it.
    const result = await inTransaction(t.system, (trx) => routeChunk(trx, t.system, 'lead', [owned.id, unowned], { unownedOnly: true }));
    expect(result).toMatchObject({ routed: 1, assigned: 1, missing: 1 });
    const ledger = await t.database.superuser<{ n: string }>(`select count(*) as n from assignments where record_id = $1`, [owned.id]);
    expect(ledger.rows[0]!.n).toBe('1');
  });
});
