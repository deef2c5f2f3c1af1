import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/platform/clock.js';
import { APP_ROLE } from '../../src/platform/db/roles.js';
import { inTransaction } from '../../src/platform/use-case-context.js';
import { notifyMany } from '../../src/routing/append-assignment.js';
import { sendWeeklyExceptionReport } from '../../src/routing/use-cases/send-weekly-exception-report.js';
import { sweepEscalations } from '../../src/routing/use-cases/sweep-escalations.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

type User = Awaited<ReturnType<TestApp['userWithToken']>>;
const HOUR = 3_600_000;
const START = new Date('2026-11-23T09:00:00Z');
const clock = fixedClock(START);
let t: TestApp;
let admin: User;
let manager: User;
let reps: User[];
let leads: Array<{ id: string; ownerId: string; assignment: { assignmentId: string; dueAt: string } }>;

const send = (method: 'POST' | 'PATCH' | 'GET', url: string, who: User, payload?: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method, url, headers: { ...who.headers, ...headers }, ...(payload === undefined ? {} : { payload: payload as object }) });
const rows = async <T>(sql: string, params: unknown[] = []) => (await t.database.superuser<T & Record<string, unknown>>(sql, params)).rows;
const count = async (sql: string, params: unknown[] = []) => Number((await rows<{ n: string }>(sql, params))[0]!.n);
const sweepTwiceConcurrently = async () => {
  const [a, b] = await Promise.all([sweepEscalations(t.system, { batchSize: 2 }), sweepEscalations(t.system, { batchSize: 2 })]);
  return a.fired + b.fired;
};

beforeAll(async () => {
  t = await createTestApp({ clock });
  admin = await t.userWithToken('admin');
  manager = await t.userWithToken('sales_manager');
  reps = [await t.userWithToken('sales_rep'), await t.userWithToken('sales_rep')];
  // Every manager assertion below depends on this team: fail here, not in a cascade, if it was not created.
  const created = await send('POST', '/api/v1/teams', admin, { name: 'Inbound', managerId: manager.id });
  expect(created.statusCode, created.body).toBe(201);
  const team = created.json();
  for (const rep of reps) await t.database.superuser('update users set team_id = $1 where id = $2', [team.id, rep.id]);
  const policy = await send('GET', '/api/v1/routing/policy', admin);
  await send('PATCH', '/api/v1/routing/policy', admin, { dueSoonHours: 1 }, { 'if-match': policy.headers.etag as string });

  const escalation = await send('POST', '/api/v1/escalation-policies', admin, {
    name: 'Inbound response',
    steps: [
      { offsetHours: -1, businessTime: false, action: 'notify_owner' },
      { offsetHours: 0, businessTime: false, action: 'notify_manager' },
      { offsetHours: 2, businessTime: false, action: 'reassign', target: { type: 'manager' } },
    ],
  });
  expect(escalation.statusCode, escalation.body).toBe(201);
  const pool = (
    await send('POST', '/api/v1/pools', admin, {
      name: 'Inbound reps',
      strategy: 'round_robin',
      members: reps.map((r) => ({ userId: r.id })),
    })
  ).json();
  const draft = (
    await send('POST', '/api/v1/rulesets', admin, {
      recordType: 'lead',
      name: 'Inbound',
      rules: [
        { name: 'All inbound', then: { target: { type: 'pool', id: pool.id }, slaHours: 4, escalationPolicyId: escalation.json().id } },
      ],
    })
  ).json();
  expect(
    (await send('POST', `/api/v1/rulesets/${draft.id}/publish`, admin, undefined, { 'if-match': `"v${draft.version}"` })).statusCode,
  ).toBe(200);

  leads = [];
  for (const name of ['Acme', 'Globex', 'Initech'])
    leads.push((await send('POST', '/api/v1/leads', admin, { name, region: 'EMEA' })).json());
  // The first lead's owner responds at once: its SLA is met and its timers stop.
  const ack = await send(
    'POST',
    `/api/v1/assignments/${leads[0]!.assignment.assignmentId}/acknowledge`,
    reps.find((r) => r.id === leads[0]!.ownerId)!,
  );
  expect(ack.statusCode, ack.body).toBe(200);
});
afterAll(() => t.close());

describe('escalation sweep', () => {
  it('arms one timer per step plus due-soon and breach, with the due date 4 wall-clock hours out (no calendar)', async () => {
    expect(leads[1]!.assignment.dueAt).toBe(new Date(START.getTime() + 4 * HOUR).toISOString());
    const timers = await rows<{ action: string; fire_at: Date }>(
      'select action, fire_at from escalation_timers where assignment_id = $1 order by step_index',
      [leads[1]!.assignment.assignmentId],
    );
    expect(timers.map((x) => [x.action, (x.fire_at.getTime() - START.getTime()) / HOUR])).toEqual([
      ['due_soon', 3],
      ['breach', 4],
      ['notify_owner', 3],
      ['notify_manager', 4],
      ['reassign', 6],
    ]);
    expect(
      await count(`select count(*) as n from escalation_timers where assignment_id = $1 and state = 'cancelled'`, [
        leads[0]!.assignment.assignmentId,
      ]),
    ).toBe(5);
  });

  it('fires nothing before its time', async () => {
    clock.set(new Date(START.getTime() + 2 * HOUR));
    expect(await sweepTwiceConcurrently()).toBe(0);
  });

  it('a batch is all or nothing: when its audit rows cannot be written, no timer is fired, notified or announced', async () => {
    clock.set(new Date(START.getTime() + 3 * HOUR + 1));
    const snapshot = async () =>
      (
        await rows<{ fired: string; notifications: string; outbox: string; audit: string }>(
          `select (select count(*) from escalation_timers where state = 'fired') as fired, (select count(*) from notifications) as notifications,
                  (select count(*) from outbox_events) as outbox, (select count(*) from audit_events) as audit`,
        )
      )[0];
    const before = await snapshot();
    // One batch (due-soon and notify-owner timers of both leads); its audit append is the last write before commit.
    await t.database.superuser(`revoke insert on audit_events from ${APP_ROLE}`);
    try {
      await expect(sweepEscalations(t.system)).rejects.toThrow(/permission denied/);
    } finally {
      await t.database.superuser(`grant insert on audit_events to ${APP_ROLE}`);
    }
    expect(await snapshot()).toEqual(before);
    expect(
      await count(
        `select count(*) as n from escalation_timers where state = 'pending' and fire_at <= $1 and action <> 'reassign' and assignment_id = any($2)`,
        [clock.now(), leads.slice(1).map((l) => l.assignment.assignmentId)],
      ),
    ).toBe(4);
  });

  it('fires each due timer exactly once even with two sweepers racing in small batches', async () => {
    clock.set(new Date(START.getTime() + 3 * HOUR + 1));
    expect(await sweepTwiceConcurrently()).toBe(4); // due-soon + notify-owner, for the two unacknowledged leads
    expect(await sweepTwiceConcurrently()).toBe(0);
    for (const lead of leads.slice(1)) {
      expect(
        await count(`select count(*) as n from notifications where record_id = $1 and kind = 'due_soon' and user_id = $2`, [
          lead.id,
          lead.ownerId,
        ]),
      ).toBe(1);
      expect(
        await count(`select count(*) as n from notifications where record_id = $1 and kind = 'escalated' and user_id = $2`, [
          lead.id,
          lead.ownerId,
        ]),
      ).toBe(1);
    }
    expect(await count(`select count(*) as n from audit_events where event_name = 'escalation.fired'`)).toBe(2);
  });

  it('at the due date: breach and manager notified; the risk queue shows the breaches, ordered by time to breach', async () => {
    clock.set(new Date(START.getTime() + 4 * HOUR + 60_000));
    expect(await sweepTwiceConcurrently()).toBe(4);
    expect(await count(`select count(*) as n from notifications where user_id = $1 and kind = 'breached'`, [manager.id])).toBe(2);
    expect(await count(`select count(*) as n from notifications where user_id = $1 and kind = 'escalated'`, [manager.id])).toBe(2);

    const risk = await send('GET', '/api/v1/queues/risk', manager);
    expect(risk.statusCode, risk.body).toBe(200);
    const body = risk.json();
    expect(body.totals).toMatchObject({ open: 2, breached: 2, dueSoon: 0, unassigned: 0 });
    const byId = (a: { assignmentId: string }, b: { assignmentId: string }) => a.assignmentId.localeCompare(b.assignmentId);
    expect(
      body.items.map((i: { recordId: string; state: string; minutesToBreach: number }) => [i.recordId, i.state, i.minutesToBreach]),
    ).toEqual(
      leads
        .slice(1)
        .map((l) => l.assignment)
        .sort(byId)
        .map((a) => [leads.find((l) => l.assignment === a)!.id, 'breached', -1]),
    );
    expect(body.items[0].nextEscalation).toMatchObject({ action: 'reassign', at: new Date(START.getTime() + 6 * HOUR).toISOString() });
    expect(body.breachesByTeam).toEqual([expect.objectContaining({ teamName: 'Inbound', breached: 2 })]);
    expect((await send('GET', '/api/v1/queues/risk', reps[0]!)).statusCode).toBe(403);
  });

  it('the reassign step moves ownership to the manager, with the reason, once', async () => {
    clock.set(new Date(START.getTime() + 6 * HOUR + 1));
    expect(await sweepTwiceConcurrently()).toBe(2);
    expect(await sweepTwiceConcurrently()).toBe(0);
    for (const lead of leads.slice(1)) {
      const now = await send('GET', `/api/v1/leads/${lead.id}`, admin);
      expect(now.json().ownerId).toBe(manager.id);
      const open = await rows<{ source: string; reason_code: string; previous_owner_id: string }>(
        'select source, reason_code, previous_owner_id from assignments where record_id = $1 and closed_at is null',
        [lead.id],
      );
      expect(open).toEqual([{ source: 'escalation', reason_code: 'escalation', previous_owner_id: lead.ownerId }]);
    }
    expect(
      await count(
        `select count(*) as n from escalation_timers where state = 'pending' and fire_at <= $1 and assignment_id in (select id from assignments where closed_at is null and acknowledged_at is null)`,
        [clock.now()],
      ),
    ).toBe(0);
  });

  it('announces each escalation notification once, with the outbox event notifyMany emits for a notification', async () => {
    await inTransaction(t.system, (trx) =>
      notifyMany(trx, t.system, [
        { userId: admin.id, kind: 'due_soon', recordType: 'lead', recordId: leads[0]!.id, title: 'Reference', body: 'reference' },
      ]),
    );
    type Announced = {
      id: string;
      user_id: string;
      kind: string;
      record_type: string;
      record_id: string;
      title: string;
      created_at: Date;
      events: Array<Record<string, unknown>>;
    };
    const announced = await rows<Announced>(
      `select n.id, n.user_id, n.kind, n.record_type, n.record_id, n.title, n.created_at,
              coalesce(jsonb_agg(jsonb_build_object('type', o.event_type, 'payload', o.payload, 'actorId', o.actor_id, 'requestId', o.request_id, 'at', o.occurred_at)) filter (where o.seq is not null), '[]') as events
       from notifications n left join outbox_events o on o.aggregate_type = 'notification' and o.aggregate_id = n.id::text
       where n.kind in ('due_soon', 'breached', 'escalated') group by n.id`,
    );
    const reference = announced.find((n) => n.title === 'Reference')!;
    const swept = announced.filter((n) => n !== reference);
    expect(swept).toHaveLength(2 * 4 + 2); // per lead: due soon, owner escalated, owner + manager breached, manager escalated
    const shape = (n: Announced) => ({
      type: `notification.${n.kind}`,
      payload: { userId: n.user_id, kind: n.kind, recordType: n.record_type, recordId: n.record_id, title: n.title },
      actorId: null,
      requestId: null,
    });
    for (const n of [reference, ...swept]) {
      expect(n.events, n.title).toHaveLength(1);
      const { at, ...event } = n.events[0]!;
      expect(event).toEqual(shape(n));
      expect(new Date(at as string).getTime()).toBe(n.created_at.getTime());
    }
  });
});

describe('my work and the inbox', () => {
  it('my work lists what I own, unacknowledged first', async () => {
    const work = await send('GET', '/api/v1/me/work', manager);
    expect(work.statusCode, work.body).toBe(200);
    expect(
      work
        .json()
        .items.map((i: { recordId: string }) => i.recordId)
        .sort(),
    ).toEqual([leads[1]!.id, leads[2]!.id].sort());
    const acknowledged = reps.find((r) => r.id === leads[0]!.ownerId)!;
    expect((await send('GET', '/api/v1/me/work', acknowledged)).json()).toMatchObject({ counts: { acknowledged: 1 } });
  });

  it('the inbox shows my notifications only, and marks them read', async () => {
    const inbox = await send('GET', '/api/v1/me/notifications?unreadOnly=true', manager);
    expect(inbox.statusCode, inbox.body).toBe(200);
    const { items, unread } = inbox.json();
    expect(unread).toBe(items.length);
    expect(new Set(items.map((n: { kind: string }) => n.kind))).toEqual(new Set(['breached', 'escalated', 'assigned']));
    const foreign = (await rows<{ id: string }>('select id from notifications where user_id = $1 limit 1', [reps[0]!.id]))[0]!.id;
    const marked = await send('POST', '/api/v1/me/notifications/read', manager, { ids: [items[0].id, foreign] });
    expect(marked.json()).toEqual({ marked: 1 });
    expect((await send('GET', '/api/v1/me/notifications', manager)).json().unread).toBe(unread - 1);
    expect(await count('select count(*) as n from notifications where id = $1 and read_at is null', [foreign])).toBe(1);
    expect(await count(`select count(*) as n from outbox_events where event_type = 'notification.breached'`)).toBe(4);
  });
});

describe('exception report', () => {
  const period = `from=${encodeURIComponent('2026-11-23T00:00:00Z')}&to=${encodeURIComponent('2026-11-30T00:00:00Z')}`;

  it('counts breaches and escalations by team and rule', async () => {
    const res = await send('GET', `/api/v1/reports/routing-exceptions?${period}`, manager);
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report.totals).toMatchObject({ breach: 2, escalation: 6, override: 0, unassigned: 0, catch_all: 3 });
    expect(report.byTeam[0]).toMatchObject({ teamName: 'Inbound', breach: 2, escalation: 6 });
    expect(report.byRule[0]).toMatchObject({ ruleName: 'All inbound' });
  });

  it('routing KPIs: share placed by rules, SLA met rate and time to acknowledge, per team and overall', async () => {
    const res = await send('GET', `/api/v1/kpis/routing?${period}`, manager);
    expect(res.statusCode, res.body).toBe(200);
    const kpis = res.json();
    // 3 rule assignments (one acknowledged at once, two breached) and 2 escalation reassignments.
    expect(kpis.overall).toMatchObject({
      assignments: 5,
      byRule: 3,
      escalated: 2,
      manual: 0,
      acknowledged: 1,
      slaMet: 1,
      medianMinutesToAcknowledge: 0,
    });
    expect(kpis.overall.slaMetRate).toBeCloseTo(1 / 3);
    expect(kpis.byTeam.map((r: { teamName: string | null }) => r.teamName).sort()).toEqual([null, 'Inbound'].sort());
    expect(kpis.overrideRate).toBe(0);
  });

  it('exports CSV with the same rows, safe for spreadsheets', async () => {
    const res = await send('GET', `/api/v1/reports/routing-exceptions/csv?${period}`, manager);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body.trim().split('\n');
    expect(lines[0]).toBe('category,kind,record_type,record_id,team,team_id,rule,rule_id,ruleset_id,owner_id,status,detail,at');
    expect(lines).toHaveLength(1 + 2 + 6 + 3);
  });

  it('refuses a period that ends before it starts, naming the field', async () => {
    const res = await send('GET', `/api/v1/reports/routing-exceptions?from=2026-11-30T00:00:00Z&to=2026-11-23T00:00:00Z`, manager);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('query.to');
  });

  it('the weekly report is generated once per week, kept, and announced to report readers', async () => {
    const monday = { ...t.system, clock: fixedClock(new Date('2026-11-30T06:00:00Z')) };
    const [a, b] = await Promise.all(
      [sendWeeklyExceptionReport(monday), sendWeeklyExceptionReport(monday)].map((p) => p.catch((e: unknown) => e)),
    );
    const generated = [a, b].filter((r) => (r as { generated?: boolean }).generated === true);
    expect(generated).toHaveLength(1);
    expect(await count('select count(*) as n from exception_reports')).toBe(1);
    expect(await count(`select count(*) as n from notifications where user_id = $1 and kind = 'exception_report'`, [manager.id])).toBe(1);
    const stored = await send('GET', '/api/v1/reports/routing-exceptions/weekly', manager);
    expect(stored.json().items).toEqual([
      expect.objectContaining({
        from: '2026-11-23T00:00:00.000Z',
        to: '2026-11-30T00:00:00.000Z',
        totals: expect.objectContaining({ escalation: 6 }),
      }),
    ]);
    // By Monday the escalated assignments (the manager's, 24 h SLA) have breached too: 2 + 2.
    expect(stored.json().items[0].totals.breach).toBe(4);
  });
});
