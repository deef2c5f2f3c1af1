import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileRuleSet } from '../../src/routing/core/ruleset.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

type User = Awaited<ReturnType<TestApp['userWithToken']>>;
let t: TestApp;
let admin: User;
let manager: User;
let otherManager: User;
let reps: User[];
let bigDeals: User;
let queueOwner: User;
let teamA: string;
let teamB: string;

const post = (url: string, payload: unknown, who: User = admin) => t.app.inject({ method: 'POST', url, headers: who.headers, payload: payload as object });
const get = (url: string, who: User = admin) => t.app.inject({ method: 'GET', url, headers: who.headers });
const count = async (sql: string, params: unknown[] = []) => Number((await t.database.superuser<{ n: string }>(sql, params)).rows[0]!.n);

/** Publishes a rule set the way the publish use case leaves it: one published version per record type. */
async function publish(recordType: string, rules: unknown[]) {
  await t.database.superuser(`update rulesets set status = 'retired', retired_at = now() where record_type = $1 and status = 'published'`, [recordType]);
  const number = await count(`select coalesce(max(number), 0) + 1 as n from rulesets where record_type = $1`, [recordType]);
  const withIds = rules.map((r) => ({ id: randomUUID(), ...(r as object) }));
  await t.database.superuser(
    `insert into rulesets (record_type, name, number, status, rules, published_at, created_at, updated_at) values ($1, $2, $3, 'published', $4, now(), now(), now())`,
    [recordType, `${recordType} rules ${number}`, number, JSON.stringify(withIds)],
  );
  return withIds as Array<{ id: string; name: string }>;
}

async function setTeam(user: User, teamId: string) {
  await t.database.superuser('update users set team_id = $1 where id = $2', [teamId, user.id]);
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.userWithToken('admin');
  manager = await t.userWithToken('sales_manager');
  otherManager = await t.userWithToken('sales_manager');
  reps = [];
  for (let i = 0; i < 3; i++) reps.push(await t.userWithToken('sales_rep'));
  bigDeals = await t.userWithToken('sales_rep');
  queueOwner = await t.userWithToken('sales_manager');
  teamA = (await post('/api/v1/teams', { name: 'Team A', managerId: manager.id })).json().id;
  teamB = (await post('/api/v1/teams', { name: 'Team B', managerId: otherManager.id })).json().id;
  for (const rep of [...reps, bigDeals]) await setTeam(rep, teamA);
  await setTeam(manager, teamA);
});
afterAll(() => t.close());

describe('routing a new lead', () => {
  let poolId: string;
  let queueId: string;
  let rules: Array<{ id: string; name: string }>;

  beforeAll(async () => {
    const pool = await post('/api/v1/pools', { name: 'EMEA reps', strategy: 'round_robin', members: reps.map((r) => ({ userId: r.id })) });
    expect(pool.statusCode, pool.body).toBe(201);
    poolId = pool.json().id;
    const queue = await post('/api/v1/queues', { name: 'Triage', ownerId: queueOwner.id });
    expect(queue.statusCode, queue.body).toBe(201);
    queueId = queue.json().id;
    rules = await publish('lead', [
      { name: 'Big deals', when: { field: 'amount', op: 'gte', value: 100_000 }, then: { target: { type: 'user', id: bigDeals.id }, slaHours: 2 } },
      { name: 'EMEA', when: { field: 'region', op: 'eq', value: 'EMEA' }, then: { target: { type: 'pool', id: poolId }, slaHours: 8 } },
      { name: 'Everything else', when: { all: [] }, then: { target: { type: 'queue', id: queueId } } },
    ]);
  });

  it('assigns through the pool in the same transaction, with the full explanation, ledger, audit, outbox, timer and inbox entry', async () => {
    const res = await post('/api/v1/leads', { name: 'Ada', company: 'Analytical', region: 'EMEA', amount: 12_000 });
    expect(res.statusCode, res.body).toBe(201);
    const lead = res.json();
    expect(lead.assignment.outcome).toBe('assigned');
    expect(lead.ownerId).toBe(lead.assignment.ownerId);
    expect(reps.map((r) => r.id)).toContain(lead.ownerId);
    expect(lead.assignment.reason).toBe('EMEA');
    expect(lead.assignment.explanation.rules[0]).toMatchObject({ ruleId: rules[0]!.id, matched: false, failed: [{ field: 'amount', op: 'gte', value: 100_000, actual: 12_000 }] });
    expect(lead.assignment.explanation.rules[1]).toMatchObject({ matched: true });
    expect(lead.assignment.explanation.candidates).toHaveLength(3);

    const ledger = await t.database.superuser<{ owner_id: string; reason_code: string; due_at: Date; pool_id: string }>('select * from assignments where record_id = $1', [lead.id]);
    expect(ledger.rows).toHaveLength(1);
    expect(ledger.rows[0]).toMatchObject({ owner_id: lead.ownerId, reason_code: 'pool', pool_id: poolId });
    expect(await count(`select count(*) as n from audit_events where entity_id = $1 and event_name = 'assignment.created'`, [lead.id])).toBe(1);
    expect(await count(`select count(*) as n from outbox_events where aggregate_id = $1 and event_type = 'assignment.created'`, [lead.id])).toBe(1);
    expect(await count(`select count(*) as n from escalation_timers t join assignments a on a.id = t.assignment_id where a.record_id = $1 and t.action = 'breach'`, [lead.id])).toBe(1);
    expect(await count(`select count(*) as n from notifications where user_id = $1 and record_id = $2 and kind = 'assigned'`, [lead.ownerId, lead.id])).toBe(1);

    const timeline = await get(`/api/v1/records/lead/${lead.id}/ownership`);
    expect(timeline.statusCode, timeline.body).toBe(200);
    expect(timeline.json().assignments[0].explanation.rules[1].matched).toBe(true);
  });

  it('rotates round robin evenly and records which rule and pool placed each lead', async () => {
    const owners: string[] = [];
    for (let i = 0; i < 6; i++) owners.push((await post('/api/v1/leads', { name: `RR ${i}`, region: 'EMEA' })).json().ownerId);
    const counts = reps.map((r) => owners.filter((o) => o === r.id).length);
    expect(counts).toEqual([2, 2, 2]);
  });

  it('sends big deals to the named user and everything else to the queue owner', async () => {
    expect((await post('/api/v1/leads', { name: 'Whale', region: 'EMEA', amount: 250_000 })).json().ownerId).toBe(bigDeals.id);
    const other = (await post('/api/v1/leads', { name: 'Elsewhere', region: 'APAC' })).json();
    expect(other.ownerId).toBe(queueOwner.id);
    expect(other.assignment.reasonCode).toBe('queue');
  });

  it('refuses any write of owner_id that does not come from routing, and never rewrites or deletes the ledger', async () => {
    const lead = (await post('/api/v1/leads', { name: 'Guarded', region: 'APAC' })).json();
    await expect(t.database.superuser('update leads set owner_id = $1 where id = $2', [reps[0]!.id, lead.id])).rejects.toThrow(/written only by routing/);
    await expect(t.database.superuser(`update assignments set reason = 'rewritten' where record_id = $1`, [lead.id])).rejects.toThrow(/never rewritten/);
    await expect(t.database.superuser(`delete from assignments where record_id = $1`, [lead.id])).rejects.toThrow(/never deleted/);
  });

  it('logging activity as the owner acknowledges the assignment and stops its timers', async () => {
    const lead = (await post('/api/v1/leads', { name: 'Acked', region: 'APAC' })).json();
    const activity = await post(`/api/v1/leads/${lead.id}/activities`, { kind: 'call', subject: 'Intro call' }, queueOwner);
    expect(activity.statusCode, activity.body).toBe(201);
    expect(activity.json().acknowledged).toBe(true);
    expect(await count(`select count(*) as n from escalation_timers t join assignments a on a.id = t.assignment_id where a.record_id = $1 and t.state = 'pending'`, [lead.id])).toBe(0);
  });
});

describe('caps, fallbacks and the unassigned queue', () => {
  it('skips members at their WIP cap with the reason, and puts the record in Unassigned when nobody is left', async () => {
    const capped = await t.userWithToken('sales_rep');
    const pool = (await post('/api/v1/pools', { name: 'Capped', strategy: 'round_robin', members: [{ userId: capped.id, wipCap: 1 }] })).json();
    await publish('account', [{ name: 'All accounts', when: { all: [] }, then: { target: { type: 'pool', id: pool.id } } }]);
    const first = (await post('/api/v1/accounts', { name: 'First Co' })).json();
    expect(first.ownerId).toBe(capped.id);
    const second = (await post('/api/v1/accounts', { name: 'Second Co' })).json();
    expect(second.ownerId).toBeNull();
    expect(second.assignment).toMatchObject({ outcome: 'unassigned', reasonCode: 'pool_exhausted' });
    expect(second.assignment.explanation.candidates[0]).toMatchObject({ userId: capped.id, eligible: false, skipped: 'wip_cap' });
    expect(await count(`select count(*) as n from unassigned_records where record_id = $1 and reason_code = 'pool_exhausted'`, [second.id])).toBe(1);
  });

  it('follows the pool fallback and says so', async () => {
    const away = await t.userWithToken('sales_rep');
    const backup = await t.userWithToken('sales_rep');
    await post('/api/v1/absences', { userId: away.id, startsAt: new Date(Date.now() - 3_600_000).toISOString(), endsAt: new Date(Date.now() + 86_400_000).toISOString(), reason: 'vacation' });
    const pool = (await post('/api/v1/pools', { name: 'Away pool', strategy: 'round_robin', members: [{ userId: away.id }], fallback: { type: 'user', id: backup.id } })).json();
    await publish('account', [{ name: 'All accounts', when: { all: [] }, then: { target: { type: 'pool', id: pool.id } } }]);
    const account = (await post('/api/v1/accounts', { name: 'Fallback Co' })).json();
    expect(account.ownerId).toBe(backup.id);
    expect(account.assignment.outcome).toBe('fallback');
    expect(account.assignment.explanation.candidates[0]).toMatchObject({ userId: away.id, skipped: 'out_of_office' });
  });

  it('rejects negative caps, unknown fields and fallback cycles with 400s that name the field, writing nothing', async () => {
    const before = await count('select count(*) as n from pools');
    const negative = await post('/api/v1/pools', { name: 'Bad', strategy: 'round_robin', members: [{ userId: reps[0]!.id, wipCap: -1 }] });
    expect(negative.statusCode).toBe(400);
    expect(negative.json().errors[0].path).toContain('members');
    const unknown = await post('/api/v1/pools', { name: 'Bad', strategy: 'round_robin', members: [], colour: 'red' });
    expect(unknown.statusCode).toBe(400);
    const a = (await post('/api/v1/pools', { name: 'Cycle A', strategy: 'round_robin', members: [] })).json();
    const b = (await post('/api/v1/pools', { name: 'Cycle B', strategy: 'round_robin', members: [], fallback: { type: 'pool', id: a.id } })).json();
    const cycle = await t.app.inject({ method: 'PATCH', url: `/api/v1/pools/${a.id}`, headers: { ...admin.headers, 'if-match': '"v1"' }, payload: { fallback: { type: 'pool', id: b.id } } });
    expect(cycle.statusCode).toBe(400);
    expect(cycle.json().errors[0].path).toBe('fallback');
    expect(await count('select count(*) as n from pools')).toBe(before + 2);
  });

  it('never exceeds a WIP cap under many concurrent decisions (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 4, max: 16 }), async (cap, concurrent) => {
        const members = [await t.userWithToken('sales_rep'), await t.userWithToken('sales_rep')];
        const pool = (await post('/api/v1/pools', { name: `Race ${randomUUID()}`, strategy: 'least_loaded', members: members.map((m) => ({ userId: m.id, wipCap: cap })) })).json();
        await publish('account', [{ name: 'All accounts', when: { all: [] }, then: { target: { type: 'pool', id: pool.id } } }]);
        const results = await Promise.all(Array.from({ length: concurrent }, (_, i) => post('/api/v1/accounts', { name: `Race ${i}` })));
        expect(results.every((r) => r.statusCode === 201)).toBe(true);
        for (const m of members) expect(await count(`select count(*) as n from assignments where owner_id = $1 and closed_at is null`, [m.id])).toBeLessThanOrEqual(cap);
        const assigned = results.filter((r) => r.json().ownerId !== null).length;
        expect(assigned).toBe(Math.min(concurrent, cap * 2));
      }),
      { numRuns: 4 },
    );
  });

  it('never exceeds the WIP cap of a member two pools share, under concurrent decisions in both (property)', async () => {
    // Each pool's lock covers only its own decisions; the shared member's open work grows through both.
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 8 }), async (cap, extra) => {
        // More requests than the three members can take, so every one of them fills up.
        const concurrent = 3 * cap + extra;
        const [shared, onlyA, onlyB] = [await t.userWithToken('sales_rep'), await t.userWithToken('sales_rep'), await t.userWithToken('sales_rep')];
        const pool = async (only: User) =>
          (await post('/api/v1/pools', { name: `Shared ${randomUUID()}`, strategy: 'least_loaded', members: [shared, only].map((m) => ({ userId: m.id, wipCap: cap })) })).json().id as string;
        const [poolA, poolB] = [await pool(onlyA), await pool(onlyB)];
        await publish('account', [
          { name: 'Region A', when: { field: 'region', op: 'eq', value: 'A' }, then: { target: { type: 'pool', id: poolA } } },
          { name: 'Everything else', when: { all: [] }, then: { target: { type: 'pool', id: poolB } } },
        ]);
        const results = await Promise.all(Array.from({ length: concurrent }, (_, i) => post('/api/v1/accounts', { name: `Shared race ${i}`, region: i % 2 ? 'A' : 'B' })));
        expect(results.every((r) => r.statusCode === 201)).toBe(true);
        for (const m of [shared, onlyA, onlyB]) expect(await count(`select count(*) as n from assignments where owner_id = $1 and closed_at is null`, [m.id])).toBeLessThanOrEqual(cap);
        expect(await count(`select count(*) as n from assignments where owner_id = $1 and closed_at is null`, [shared.id])).toBe(cap);
      }),
      { numRuns: 4 },
    );
  });
});

describe('manual overrides', () => {
  let leadId: string;
  beforeAll(async () => {
    leadId = (await post('/api/v1/leads', { name: 'Override me', region: 'EMEA' })).json().id;
  });

  it('needs a reason: no reason text → 400, nothing written', async () => {
    const res = await post(`/api/v1/records/lead/${leadId}/reassign`, { toUserId: reps[0]!.id, reasonCode: 'workload' }, manager);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain('reason');
  });

  it('reassigns at once inside the team, and asks for approval across teams; never self-approved', async () => {
    const lead = (await get(`/api/v1/leads/${leadId}`)).json();
    const target = reps.find((r) => r.id !== lead.ownerId)!;
    const inTeam = await post(`/api/v1/records/lead/${leadId}/reassign`, { toUserId: target.id, reasonCode: 'workload', reason: 'Balancing' }, manager);
    expect(inTeam.statusCode, inTeam.body).toBe(200);
    expect(inTeam.json().assignment).toMatchObject({ ownerId: target.id, source: 'manual', reasonCode: 'workload' });

    const outsider = await t.userWithToken('sales_rep');
    await setTeam(outsider, teamB);
    const cross = await post(`/api/v1/records/lead/${leadId}/reassign`, { toUserId: outsider.id, reasonCode: 'territory_change', reason: 'Moved to B' }, manager);
    expect(cross.statusCode, cross.body).toBe(202);
    const requestId = cross.json().overrideRequestId;
    expect((await get(`/api/v1/leads/${leadId}`)).json().ownerId).toBe(target.id);
    const self = await post(`/api/v1/override-requests/${requestId}/approve`, { reason: 'ok' }, manager);
    expect(self.statusCode).toBe(403);
    const approved = await post(`/api/v1/override-requests/${requestId}/approve`, { reason: 'Agreed' }, otherManager);
    expect(approved.statusCode, approved.body).toBe(200);
    expect((await get(`/api/v1/leads/${leadId}`)).json().ownerId).toBe(outsider.id);
    expect(await count(`select count(*) as n from assignments where record_id = $1 and closed_at is null`, [leadId])).toBe(1);
  });
});

describe('deactivating an owner', () => {
  it('is refused while they own open records, and re-routes their work when asked', async () => {
    const leaver = await t.userWithToken('sales_rep');
    const stayer = await t.userWithToken('sales_rep');
    const pool = (await post('/api/v1/pools', { name: 'Leaver pool', strategy: 'round_robin', members: [{ userId: leaver.id }, { userId: stayer.id }] })).json();
    await publish('opportunity', [{ name: 'All opps', when: { all: [] }, then: { target: { type: 'pool', id: pool.id } } }]);
    const opps = [];
    for (let i = 0; i < 4; i++) opps.push((await post('/api/v1/opportunities', { name: `Opp ${i}` })).json());
    expect(opps.filter((o) => o.ownerId === leaver.id)).toHaveLength(2);
    const user = (await get(`/api/v1/users/${leaver.id}`)).json();
    const refused = await t.app.inject({ method: 'POST', url: `/api/v1/users/${leaver.id}/deactivate`, headers: { ...admin.headers, 'if-match': `"v${user.version}"` }, payload: { reason: 'left' } });
    expect(refused.statusCode).toBe(422);
    const done = await t.app.inject({ method: 'POST', url: `/api/v1/users/${leaver.id}/deactivate`, headers: { ...admin.headers, 'if-match': `"v${user.version}"` }, payload: { reason: 'left', rerouteOpenWork: true } });
    expect(done.statusCode, done.body).toBe(200);
    for (const o of opps) expect((await get(`/api/v1/opportunities/${o.id}`)).json().ownerId).toBe(stayer.id);
    expect(await count(`select count(*) as n from assignments where owner_id = $1 and closed_at is null`, [leaver.id])).toBe(0);
  });
});

describe('opportunities changing stage', () => {
  it('keep their owner on ordinary progress and move when a transition rule says so', async () => {
    const seller = await t.userWithToken('sales_rep');
    const desk = await t.userWithToken('sales_rep');
    await publish('opportunity', [
      { name: 'Deal desk', when: { field: 'stage', op: 'changedTo', value: 'Negotiation' }, then: { target: { type: 'user', id: desk.id } } },
      { name: 'Sellers', when: { all: [] }, then: { target: { type: 'user', id: seller.id } } },
    ]);
    const opp = (await post('/api/v1/opportunities', { name: 'Big one', stage: 'Prospecting' })).json();
    expect(opp.ownerId).toBe(seller.id);
    const patch = (stage: string, version: number) => t.app.inject({ method: 'PATCH', url: `/api/v1/opportunities/${opp.id}`, headers: { ...admin.headers, 'if-match': `"v${version}"` }, payload: { stage } });
    const engaged = await patch('Engaging', 1);
    expect(engaged.json()).toMatchObject({ ownerId: seller.id, assignment: null });
    const negotiating = await patch('Negotiation', 2);
    expect(negotiating.json().ownerId).toBe(desk.id);
    const won = await patch('Won', 3);
    expect(won.json().status).toBe('won');
    expect(await count(`select count(*) as n from assignments where record_id = $1 and closed_at is null`, [opp.id])).toBe(0);
    expect(await count(`select count(*) as n from stage_history where opportunity_id = $1`, [opp.id])).toBe(4);
  });
});

describe('bulk routing', () => {
  it('routes a batch like one-by-one decisions would: even rotation, one open assignment each, audit chain intact', async () => {
    const members = [await t.userWithToken('sales_rep'), await t.userWithToken('sales_rep'), await t.userWithToken('sales_rep')];
    const pool = (await post('/api/v1/pools', { name: 'Bulk pool', strategy: 'round_robin', members: members.map((m) => ({ userId: m.id })) })).json();
    await t.database.superuser(`update rulesets set status = 'retired' where record_type = 'lead' and status = 'published'`);
    const leads = [];
    for (let i = 0; i < 30; i++) leads.push((await post('/api/v1/leads', { name: `Bulk ${i}` })).json());
    expect(leads.every((l) => l.assignment.outcome === 'unassigned' && l.assignment.reasonCode === 'no_ruleset')).toBe(true);
    await publish('lead', [{ name: 'Bulk', when: { all: [] }, then: { target: { type: 'pool', id: pool.id } } }]);
    const res = await post('/api/v1/routing/route-batch', { recordType: 'lead', recordIds: leads.map((l) => l.id) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ routed: 30, assigned: 30, unassigned: 0, missing: 0 });
    expect(Object.values(res.json().byOwner)).toEqual([10, 10, 10]);
    expect(await count(`select count(*) as n from unassigned_records where record_id = any($1)`, [leads.map((l) => l.id)])).toBe(0);
    expect(await count(`select count(*) as n from leads where id = any($1) and owner_id is null`, [leads.map((l) => l.id)])).toBe(0);
    const verify = await get('/api/v1/audit/verify');
    expect(verify.json().ok).toBe(true);
  });
});

describe('explanations', () => {
  it('re-evaluating the stored facts with the stored rule set reproduces every decision (property over stored rows)', async () => {
    const rows = await t.database.superuser<{ explanation: { facts: Record<string, unknown>; evaluatedAt: string }; rule_id: string; rules: unknown[] }>(
      `select a.explanation, a.rule_id, r.rules from assignments a join rulesets r on r.id = a.ruleset_id where a.source in ('rule', 'pool') and a.explanation ? 'facts'`,
    );
    expect(rows.rows.length).toBeGreaterThan(10);
    for (const row of rows.rows) {
      const rules = row.rules as Array<{ id: string }>;
      const index = compileRuleSet(rules as never).match(row.explanation.facts, Date.parse(row.explanation.evaluatedAt));
      expect(rules[index]!.id).toBe(row.rule_id);
    }
  });
});
