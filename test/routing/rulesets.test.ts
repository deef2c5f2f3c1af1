import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../support/test-app.js';

type User = Awaited<ReturnType<TestApp['userWithToken']>>;
let t: TestApp;
let admin: User;
let revops: User;
let otherRevops: User;
let manager: User;
let reps: User[];
let poolId: string;

const send = (method: 'POST' | 'PATCH' | 'GET', url: string, who: User, payload?: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method, url, headers: { ...who.headers, ...headers }, ...(payload === undefined ? {} : { payload: payload as object }) });
const count = async (sql: string, params: unknown[] = []) => Number((await t.database.superuser<{ n: string }>(sql, params)).rows[0]!.n);
const ifMatch = (version: number) => ({ 'if-match': `"v${version}"` });

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.userWithToken('admin');
  revops = await t.userWithToken('revops');
  otherRevops = await t.userWithToken('revops');
  manager = await t.userWithToken('sales_manager');
  reps = [await t.userWithToken('sales_rep'), await t.userWithToken('sales_rep')];
  const pool = await send('POST', '/api/v1/pools', admin, { name: 'Reps', strategy: 'round_robin', members: reps.map((r) => ({ userId: r.id, wipCap: 1 })) });
  expect(pool.statusCode, pool.body).toBe(201);
  poolId = pool.json().id;
});
afterAll(() => t.close());

const rulesWith = (catchAll = true) => [
  { name: 'EMEA', when: { field: 'region', op: 'eq', value: 'EMEA' }, then: { target: { type: 'pool', id: poolId }, slaHours: 4 } },
  ...(catchAll ? [{ name: 'Everything else', then: { target: { type: 'user', id: manager.id } } }] : []),
];

describe('rule set lifecycle', () => {
  it('refuses a draft whose condition is wrong, pointing at the JSON path, and writes nothing', async () => {
    const before = await count('select count(*) as n from rulesets');
    const res = await send('POST', '/api/v1/rulesets', revops, {
      recordType: 'lead',
      name: 'Broken',
      rules: [{ name: 'Typo', when: { all: [{ field: 'region', op: 'eq', value: 'EMEA' }, { field: 'amout', op: 'gte', value: 5 }] }, then: { target: { type: 'pool', id: poolId } } }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors).toEqual([{ path: 'rules[0].when.all[1].field', message: 'unknown field "amout"' }]);
    expect(await count('select count(*) as n from rulesets')).toBe(before);
  });

  it('refuses targets that do not exist', async () => {
    const res = await send('POST', '/api/v1/rulesets', revops, { recordType: 'lead', name: 'Ghost', rules: [{ name: 'x', then: { target: { type: 'queue', id: '00000000-0000-4000-8000-000000000009' } } }] });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ path: 'rules[0].then.target.id', message: 'no such queue' }]);
  });

  it('drafts get version numbers and rule ids; publishing needs a catch-all; publish puts it live and retires the old one', async () => {
    const draft = await send('POST', '/api/v1/rulesets', revops, { recordType: 'lead', name: 'Inbound v1', rules: rulesWith(false) });
    expect(draft.statusCode, draft.body).toBe(201);
    const v1 = draft.json();
    expect(v1).toMatchObject({ status: 'draft', number: 1, version: 1 });
    expect(v1.rules[0].id).toEqual(expect.any(String));

    const noCatchAll = await send('POST', `/api/v1/rulesets/${v1.id}/publish`, revops, undefined, ifMatch(1));
    expect(noCatchAll.statusCode).toBe(400);
    expect(noCatchAll.json().errors[0]).toMatchObject({ path: 'rules', message: expect.stringContaining('catch-all') });

    expect((await send('POST', `/api/v1/rulesets/${v1.id}/publish`, revops)).statusCode).toBe(428);
    const edited = await send('PATCH', `/api/v1/rulesets/${v1.id}`, revops, { rules: rulesWith(true) }, ifMatch(1));
    expect(edited.statusCode, edited.body).toBe(200);
    expect((await send('PATCH', `/api/v1/rulesets/${v1.id}`, revops, { name: 'stale' }, ifMatch(1))).statusCode).toBe(412);

    const published = await send('POST', `/api/v1/rulesets/${v1.id}/publish`, revops, undefined, ifMatch(2));
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json()).toMatchObject({ pendingApproval: false, ruleset: { status: 'published', number: 1 } });

    const frozen = await send('PATCH', `/api/v1/rulesets/${v1.id}`, revops, { name: 'x' }, ifMatch(3));
    expect(frozen.statusCode).toBe(422);

    // The next version starts as a copy; rule ids carry over so reports can follow a rule across versions.
    const copy = await send('POST', `/api/v1/rulesets/${v1.id}/copy`, revops, { name: 'Inbound v2' });
    expect(copy.statusCode, copy.body).toBe(201);
    expect(copy.json()).toMatchObject({ number: 2, status: 'draft' });
    expect(copy.json().rules.map((r: { id: string }) => r.id)).toEqual(published.json().ruleset.rules.map((r: { id: string }) => r.id));
    const second = await send('POST', `/api/v1/rulesets/${copy.json().id}/publish`, revops, undefined, ifMatch(1));
    expect(second.statusCode).toBe(200);
    const old = await send('GET', `/api/v1/rulesets/${v1.id}`, revops);
    expect(old.json()).toMatchObject({ status: 'retired' });
    expect(await count(`select count(*) as n from rulesets where record_type = 'lead' and status = 'published'`)).toBe(1);
    expect(await count(`select count(*) as n from audit_events where event_name in ('ruleset.published', 'ruleset.retired')`)).toBe(3);
  });

  it('with approval required: the author submits (202), cannot approve their own version, another approver can', async () => {
    const policy = await send('GET', '/api/v1/routing/policy', admin);
    const updated = await send('PATCH', '/api/v1/routing/policy', admin, { publishRequiresApproval: true }, { 'if-match': policy.headers.etag as string });
    expect(updated.statusCode, updated.body).toBe(200);

    const draft = (await send('POST', '/api/v1/rulesets', revops, { recordType: 'account', name: 'Accounts', rules: rulesWith(true) })).json();
    const submitted = await send('POST', `/api/v1/rulesets/${draft.id}/publish`, revops, undefined, ifMatch(draft.version));
    expect(submitted.statusCode, submitted.body).toBe(202);
    expect(submitted.json()).toMatchObject({ pendingApproval: true, ruleset: { status: 'pending_approval', submittedBy: revops.id } });
    expect(await count(`select count(*) as n from notifications where user_id = $1 and kind = 'approval_needed' and record_id = $2`, [otherRevops.id, draft.id])).toBe(1);
    expect(await count(`select count(*) as n from notifications where user_id = $1 and kind = 'approval_needed'`, [revops.id])).toBe(0);

    const self = await send('POST', `/api/v1/rulesets/${draft.id}/approve`, revops, undefined, ifMatch(draft.version + 1));
    expect(self.statusCode).toBe(403);
    const approved = await send('POST', `/api/v1/rulesets/${draft.id}/approve`, otherRevops, undefined, ifMatch(draft.version + 1));
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'published', approvedBy: otherRevops.id, submittedBy: revops.id });

    const another = (await send('POST', `/api/v1/rulesets/${draft.id}/copy`, revops, {})).json();
    await send('POST', `/api/v1/rulesets/${another.id}/publish`, revops, undefined, ifMatch(1));
    const returned = await send('POST', `/api/v1/rulesets/${another.id}/return`, otherRevops, { reason: 'Split EMEA by country first' }, ifMatch(2));
    expect(returned.statusCode, returned.body).toBe(200);
    expect(returned.json()).toMatchObject({ status: 'draft', submittedBy: null });
    expect(await count(`select count(*) as n from notifications where user_id = $1 and kind = 'approval_decided'`, [revops.id])).toBe(2);

    const policyNow = await send('GET', '/api/v1/routing/policy', admin);
    await send('PATCH', '/api/v1/routing/policy', admin, { publishRequiresApproval: false }, { 'if-match': policyNow.headers.etag as string });
  });

  it('sales managers read rule sets but cannot write them', async () => {
    expect((await send('GET', '/api/v1/rulesets?recordType=lead', manager)).json().items.length).toBeGreaterThan(0);
    expect((await send('POST', '/api/v1/rulesets', manager, { recordType: 'lead', name: 'x', rules: [] })).statusCode).toBe(403);
  });
});

describe('the editor’s checks', () => {
  it('validate lists every problem, and says whether the list could be published', async () => {
    const res = await send('POST', '/api/v1/rulesets/validate', manager, {
      recordType: 'opportunity',
      rules: [{ name: 'Bad', when: { field: 'stage', op: 'gt', value: 3 }, then: { target: { type: 'pool', id: poolId } } }],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ valid: false, publishable: false });
    expect(res.json().errors.map((e: { path: string }) => e.path)).toEqual(['rules[0].when.op', 'rules']);
    const ok = await send('POST', '/api/v1/rulesets/validate', manager, { recordType: 'lead', rules: rulesWith(false) });
    expect(ok.json()).toMatchObject({ valid: true, publishable: false });
  });

  it('test a record: every rule’s verdict with actual values, and who the pool would pick — without writing anything', async () => {
    const before = await count('select (select count(*) from assignments) + (select count(*) from audit_events) + (select count(*) from outbox_events) as n');
    const res = await send('POST', '/api/v1/rulesets/test', manager, { recordType: 'lead', rules: rulesWith(true), facts: { region: 'NA', amount: 10 } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      matchedRule: { name: 'Everything else' },
      rules: [{ name: 'EMEA', matched: false, failed: [{ field: 'region', op: 'eq', value: 'EMEA', actual: 'NA' }] }, { matched: true }],
      placement: { ownerId: manager.id },
    });
    const pooled = await send('POST', '/api/v1/rulesets/test', manager, { recordType: 'lead', rules: rulesWith(true), facts: { region: 'EMEA' } });
    expect(reps.map((r) => r.id)).toContain(pooled.json().placement.ownerId);
    expect(pooled.json().placement.candidates.length).toBe(2);
    expect(await count('select (select count(*) from assignments) + (select count(*) from audit_events) + (select count(*) from outbox_events) as n')).toBe(before);
  });
});

describe('simulation', () => {
  it('shows owner diff, distribution, load against caps and rule hits for a draft, and writes nothing', async () => {
    // Live routing: the published lead rules send EMEA to the pool (WIP cap 1 each) and the rest to the manager.
    const leads = [];
    for (const region of ['NA', 'NA', 'NA', 'APAC']) leads.push((await send('POST', '/api/v1/leads', revops, { name: `Lead ${region}`, region })).json());
    expect(leads.every((l) => l.ownerId === manager.id)).toBe(true);

    const before = await count('select (select count(*) from assignments) + (select count(*) from audit_events) + (select count(*) from outbox_events) + (select count(*) from notifications) as n');
    const fairness = (await t.database.superuser<{ fairness: unknown }>('select fairness from pools where id = $1', [poolId])).rows[0]!.fairness;
    const draftRules = [
      { name: 'NA to the pool', when: { field: 'region', op: 'in', value: ['NA'] }, then: { target: { type: 'pool', id: poolId } } },
      { name: 'Everything else', then: { target: { type: 'user', id: manager.id } } },
    ];
    const res = await send('POST', '/api/v1/routing/simulate', manager, { recordType: 'lead', rules: draftRules, recordIds: leads.map((l) => l.id) });
    expect(res.statusCode, res.body).toBe(200);
    const { summary, decisions } = res.json();
    expect(summary).toMatchObject({ records: 4, changed: 3, catchAllHits: 1 });
    expect(summary.ruleHits.map((h: { hits: number }) => h.hits)).toEqual([3, 1]);
    // Two reps with a WIP cap of 1 take two NA leads; the third overflows (the pool has no fallback).
    expect(summary.unplaced).toBe(1);
    expect(decisions.find((d: { unassigned: { code: string } | null }) => d.unassigned)?.unassigned.code).toBe('pool_exhausted');
    expect(summary.load).toHaveLength(2);
    expect(summary.load.every((l: { projected: number; wipCap: number; over: boolean }) => l.projected === 1 && l.wipCap === 1 && !l.over)).toBe(true);
    expect(summary.distribution.find((d: { ownerId: string }) => d.ownerId === manager.id)).toMatchObject({ current: 4, projected: 1, delta: -3 });

    expect(await count('select (select count(*) from assignments) + (select count(*) from audit_events) + (select count(*) from outbox_events) + (select count(*) from notifications) as n')).toBe(before);
    expect((await t.database.superuser<{ fairness: unknown }>('select fairness from pools where id = $1', [poolId])).rows[0]!.fairness).toEqual(fairness);
  });

  it('backtests a stored version over the last N days', async () => {
    const live = (await send('GET', '/api/v1/rulesets?recordType=lead&status=published', manager)).json().items[0];
    const res = await send('POST', '/api/v1/routing/simulate', manager, { recordType: 'lead', rulesetId: live.id, sinceDays: 7 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().summary.records).toBe(4);
    expect(res.json().summary.changed).toBe(0);
  });

  it('names the field when the request is ambiguous or points at another record type', async () => {
    const both = await send('POST', '/api/v1/routing/simulate', manager, { recordType: 'lead', rules: [], rulesetId: poolId, sinceDays: 3 });
    expect(both.statusCode).toBe(400);
    expect(both.json().errors[0].path).toBe('rulesetId');
    const live = (await send('GET', '/api/v1/rulesets?recordType=lead&status=published', manager)).json().items[0];
    const wrongType = await send('POST', '/api/v1/routing/simulate', manager, { recordType: 'account', rulesetId: live.id, sinceDays: 3 });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().errors[0].path).toBe('rulesetId');
  });
});
