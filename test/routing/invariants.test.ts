import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/platform/clock.js';
import { sweepEscalations } from '../../src/routing/use-cases/sweep-escalations.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

type User = Awaited<ReturnType<TestApp['userWithToken']>>;
const START = new Date('2026-11-23T09:00:00Z');
const clock = fixedClock(START);
let t: TestApp;
let admin: User;
let manager: User;
let reps: User[];
let poolId: string;
let queueId: string;

const send = (method: 'POST' | 'PATCH' | 'GET', url: string, who: User, payload?: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method, url, headers: { ...who.headers, ...headers }, ...(payload === undefined ? {} : { payload: payload as object }) });
const rows = async <T>(sql: string, params: unknown[] = []) => (await t.database.superuser<T & Record<string, unknown>>(sql, params)).rows;
const count = async (sql: string, params: unknown[] = []) => Number((await rows<{ n: string }>(sql, params))[0]!.n);

async function publishLeadRules(rules: unknown[]) {
  const draft = (await send('POST', '/api/v1/rulesets', admin, { recordType: 'lead', name: 'Leads', rules })).json();
  const res = await send('POST', `/api/v1/rulesets/${draft.id}/publish`, admin, undefined, { 'if-match': `"v${draft.version}"` });
  expect(res.statusCode, res.body).toBe(200);
}

beforeAll(async () => {
  t = await createTestApp({ clock });
  admin = await t.userWithToken('admin');
  manager = await t.userWithToken('sales_manager');
  reps = [];
  for (let i = 0; i < 4; i++) reps.push(await t.userWithToken('sales_rep'));
  const pool = await send('POST', '/api/v1/pools', admin, {
    name: 'Reps',
    strategy: 'weighted',
    members: reps.map((r, i) => ({ userId: r.id, weight: i + 1, wipCap: 6 })),
    fallback: { type: 'user', id: manager.id },
  });
  expect(pool.statusCode, pool.body).toBe(201);
  poolId = pool.json().id;
  queueId = (await send('POST', '/api/v1/queues', admin, { name: 'Triage', ownerId: manager.id })).json().id;
});
afterAll(() => t.close());

describe('the same inputs give the same owner', () => {
  it('a simulation of a rule set predicts exactly the owners live bulk routing then picks', async () => {
    // No rule set yet: leads wait in Unassigned with that reason.
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const lead = (await send('POST', '/api/v1/leads', admin, { name: `Lead ${i}`, region: i % 3 === 0 ? 'NA' : 'EMEA', amount: i * 1000 })).json();
      expect(lead.assignment.outcome).toBe('unassigned');
      ids.push(lead.id);
    }
    expect(await count(`select count(*) as n from unassigned_records where reason_code = 'no_ruleset'`)).toBe(30);
    const rules = [
      { name: 'EMEA', when: { field: 'region', op: 'eq', value: 'EMEA' }, then: { target: { type: 'pool', id: poolId } } },
      { name: 'Rest', then: { target: { type: 'queue', id: queueId } } },
    ];
    const simulated = (await send('POST', '/api/v1/routing/simulate', admin, { recordType: 'lead', rules, recordIds: ids })).json();
    const again = (await send('POST', '/api/v1/routing/simulate', admin, { recordType: 'lead', rules, recordIds: ids })).json();
    // Unsaved rules get fresh ids per call; everything else is identical.
    const owners = (r: { decisions: Array<{ recordId: string; projectedOwnerId: string | null; ruleName: string | null }> }) => r.decisions.map((d) => [d.recordId, d.projectedOwnerId, d.ruleName]);
    expect(owners(again)).toEqual(owners(simulated));

    await publishLeadRules(rules);
    const routed = await send('POST', '/api/v1/routing/route-batch', admin, { recordType: 'lead', recordIds: ids });
    expect(routed.statusCode, routed.body).toBe(200);
    const liveOwners = new Map((await rows<{ id: string; owner_id: string }>('select id, owner_id from leads where id = any($1)', [ids])).map((r) => [r.id, r.owner_id]));
    for (const d of simulated.decisions as Array<{ recordId: string; projectedOwnerId: string }>) expect(liveOwners.get(d.recordId)).toBe(d.projectedOwnerId);
    expect(await count('select count(*) as n from unassigned_records')).toBe(0);
  });
});

describe('no record ends ownerless', () => {
  it('holds through any sequence of creates, absences, overrides, deactivations and re-routes (property)', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('create' as const), region: fc.constantFrom('EMEA', 'NA'), amount: fc.integer({ min: 0, max: 100_000 }) }),
      fc.record({ kind: fc.constant('away' as const), rep: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant('override' as const), to: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant('deactivate' as const), rep: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant('reroute' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 3, maxLength: 12 }), async (ops) => {
        for (const o of ops) {
          const active = (await rows<{ id: string }>(`select id from users where id = any($1) and status = 'active'`, [reps.map((r) => r.id)])).map((r) => r.id);
          if (o.kind === 'create') await send('POST', '/api/v1/leads', admin, { name: 'Property lead', region: o.region, amount: o.amount });
          if (o.kind === 'away' && active[o.rep % Math.max(active.length, 1)]) {
            const userId = active[o.rep % active.length]!;
            await send('POST', '/api/v1/absences', admin, { userId, startsAt: clock.now().toISOString(), endsAt: new Date(clock.now().getTime() + 86_400_000).toISOString() });
          }
          if (o.kind === 'override' && active.length > 0) {
            const lead = (await rows<{ id: string }>('select id from leads where owner_id is not null order by random() limit 1'))[0];
            if (lead) await send('POST', `/api/v1/records/lead/${lead.id}/reassign`, admin, { toUserId: active[o.to % active.length], reasonCode: 'workload', reason: 'Balancing' });
          }
          if (o.kind === 'deactivate' && active.length > 1) {
            const userId = active[o.rep % active.length]!;
            const user = await send('GET', `/api/v1/users/${userId}`, admin);
            const res = await send('POST', `/api/v1/users/${userId}/deactivate`, admin, { reason: 'Left the company', rerouteOpenWork: true }, { 'if-match': user.headers.etag as string });
            expect(res.statusCode, res.body).toBe(200);
          }
          if (o.kind === 'reroute') {
            const ids = (await rows<{ id: string }>('select id from leads order by created_at desc limit 20')).map((r) => r.id);
            await send('POST', '/api/v1/routing/route-batch', admin, { recordType: 'lead', recordIds: ids });
          }
          clock.advance(60_000);
        }
        // Every lead has an active owner with exactly one open assignment — or sits in Unassigned with a reason.
        expect(await count(`select count(*) as n from leads l where l.owner_id is null and not exists (select 1 from unassigned_records u where u.record_id = l.id)`)).toBe(0);
        expect(await count(`select count(*) as n from leads l join users u on u.id = l.owner_id where u.status <> 'active'`)).toBe(0);
        expect(await count(`select count(*) as n from leads l where l.owner_id is not null and (select count(*) from assignments a where a.record_id = l.id and a.closed_at is null) <> 1`)).toBe(0);
        expect(await count(`select count(*) as n from leads l join assignments a on a.id = l.current_assignment_id where a.owner_id <> l.owner_id`)).toBe(0);
      }),
      { numRuns: 8 },
    );
  }, 120_000);
});

describe('escalation exactly once when a worker dies mid-sweep', () => {
  it('timers a killed worker had claimed are fired by the next sweep, once', async () => {
    const due = await count(`select count(*) as n from escalation_timers t join assignments a on a.id = t.assignment_id
                             where t.state = 'pending' and a.closed_at is null and a.acknowledged_at is null and t.action <> 'reassign'`);
    expect(due).toBeGreaterThan(0);
    clock.set(new Date(START.getTime() + 30 * 86_400_000));

    // A worker claims a batch of timers (as the sweep does) and dies before committing.
    const dying = new pg.Client({ connectionString: t.database.appUrl });
    await dying.connect();
    dying.on('error', () => {});
    await dying.query('begin');
    const claimed = await dying.query(`select t.id from escalation_timers t where t.state = 'pending' and t.action <> 'reassign' order by t.fire_at limit 5 for update skip locked`);
    expect(claimed.rowCount).toBe(5);
    await dying.query(`update escalation_timers set state = 'fired', outcome = 'half done' where id = any($1)`, [claimed.rows.map((r) => r.id)]);

    // Meanwhile a live worker sweeps: it skips the claimed rows instead of waiting on them.
    const live = await sweepEscalations({ ...t.system, clock }, { batchSize: 7 });
    expect(await count(`select count(*) as n from escalation_timers where id = any($1) and state = 'pending'`, [claimed.rows.map((r) => r.id)])).toBe(5);

    await t.database.superuser('select pg_terminate_backend($1)', [(dying as unknown as { processID: number }).processID]);
    await dying.end().catch(() => {});

    const next = await sweepEscalations({ ...t.system, clock }, { batchSize: 7 });
    expect(next.fired).toBeGreaterThanOrEqual(5);
    expect(await count(`select count(*) as n from escalation_timers where id = any($1) and state = 'fired' and outcome <> 'half done'`, [claimed.rows.map((r) => r.id)])).toBe(5);
    // Exactly one audit row per fired timer (due-soon reminders are inbox-only).
    const audited = await rows<{ timer: string; n: string }>(`select after->>'timerId' as timer, count(*) as n from audit_events where event_name = 'escalation.fired' group by 1 having count(*) > 1`);
    expect(audited).toEqual([]);
    expect(live.fired + next.fired).toBe(await count(`select count(*) as n from escalation_timers where state = 'fired' and fired_at >= $1`, [clock.now()]));
    expect(await sweepEscalations({ ...t.system, clock })).toMatchObject({ fired: 0 });
  });
});

describe('open-work counters', () => {
  // Runs after everything above (bulk and single routing, reassignments, escalations, overrides, deactivation).
  it('every owner’s counter equals their open assignments in the ledger', async () => {
    const drift = await rows<{ user_id: string; counted: number; ledger: number }>(
      `select u.id as user_id, coalesce(c.open, 0) as counted, (select count(*)::int from assignments a where a.owner_id = u.id and a.closed_at is null) as ledger
       from users u left join owner_open_counts c on c.user_id = u.id`,
    );
    expect(drift.filter((d) => d.counted !== d.ledger)).toEqual([]);
    expect(drift.reduce((sum, d) => sum + d.ledger, 0)).toBeGreaterThan(0);
  });
});
