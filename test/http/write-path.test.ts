import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp, stableProblem } from '../support/test-app.js';

let t: TestApp;
let admin: Awaited<ReturnType<TestApp['userWithToken']>>;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.userWithToken('admin');
});
afterAll(() => t.close());

const countTeams = async (name: string) => Number((await t.database.superuser<{ n: string }>('select count(*) as n from teams where name = $1', [name])).rows[0]!.n);

describe('optimistic concurrency (ETag / If-Match)', () => {
  it('lets exactly one of many concurrent updates with the same ETag win; the rest get 412', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers: admin.headers, payload: { name: 'Race team' } });
    const etag = created.headers.etag as string;
    expect(etag).toBe('"v1"');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t.app.inject({ method: 'PATCH', url: `/api/v1/teams/${created.json().id}`, headers: { ...admin.headers, 'if-match': etag }, payload: { name: `Race team ${i}` } }),
      ),
    );
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(7);
    const winner = results.find((r) => r.statusCode === 200)!;
    const after = await t.app.inject({ method: 'GET', url: `/api/v1/teams/${created.json().id}`, headers: admin.headers });
    expect(after.json().name).toBe(winner.json().name);
    expect(after.headers.etag).toBe('"v2"');
  });

  it('answers 428 without If-Match and 412 with a stale one', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers: admin.headers, payload: { name: 'Precondition team' } });
    const id = created.json().id;
    const missing = await t.app.inject({ method: 'PATCH', url: `/api/v1/teams/${id}`, headers: admin.headers, payload: { name: 'x' } });
    expect(missing.statusCode).toBe(428);
    expect(missing.json().code).toBe('precondition_required');
    const stale = await t.app.inject({ method: 'PATCH', url: `/api/v1/teams/${id}`, headers: { ...admin.headers, 'if-match': '"v9"' }, payload: { name: 'x' } });
    expect(stale.statusCode).toBe(412);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/teams/${id}`, headers: admin.headers })).json().name).toBe('Precondition team');
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response for the same key and body, with one effect', async () => {
    const request = { method: 'POST' as const, url: '/api/v1/teams', headers: { ...admin.headers, 'idempotency-key': 'key-same-1' }, payload: { name: 'Idempotent team' } };
    const first = await t.app.inject(request);
    const second = await t.app.inject(request);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.body).toBe(first.body);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await countTeams('Idempotent team')).toBe(1);
    const audits = await t.database.superuser(`select count(*) as n from audit_events where event_name = 'team.created' and entity_id = $1`, [first.json().id]);
    expect(Number(audits.rows[0]!.n)).toBe(1);
  });

  it('refuses the same key with another body (422) and scopes keys per principal', async () => {
    const headers = { ...admin.headers, 'idempotency-key': 'key-other-body' };
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers, payload: { name: 'Body A' } })).statusCode).toBe(201);
    const reused = await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers, payload: { name: 'Body B' } });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().code).toBe('idempotency_key_reused');
    expect(await countTeams('Body B')).toBe(0);
    const otherAdmin = await t.userWithToken('admin');
    const elsewhere = await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers: { ...otherAdmin.headers, 'idempotency-key': 'key-other-body' }, payload: { name: 'Body C' } });
    expect(elsewhere.statusCode).toBe(201);
  });

  it('answers 409 while the first request with the key is still running', async () => {
    // Hold the teams table so the first request blocks inside its transaction, at its insert.
    const blocker = new pg.Client({ connectionString: t.database.superuserUrl });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('lock table teams in share mode');
    const request = { method: 'POST' as const, url: '/api/v1/teams', headers: { ...admin.headers, 'idempotency-key': 'key-in-flight' }, payload: { name: 'In flight team' } };
    const first = t.app.inject(request);
    await waitFor(async () => (await t.database.superuser(`select 1 from idempotency_keys where key = 'key-in-flight'`)).rowCount === 1);
    const concurrent = await t.app.inject(request);
    expect(concurrent.statusCode).toBe(409);
    expect(concurrent.json().code).toBe('idempotency_in_flight');
    await blocker.query('commit');
    await blocker.end();
    expect((await first).statusCode).toBe(201);
    const replay = await t.app.inject(request);
    expect(replay.statusCode).toBe(201);
    expect(replay.body).toBe((await first).body);
    expect(await countTeams('In flight team')).toBe(1);
  });

  it('does not store validation failures, so a corrected retry may reuse the key', async () => {
    const headers = { ...admin.headers, 'idempotency-key': 'key-fix-and-retry' };
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers, payload: { name: '' } })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers, payload: { name: 'Fixed team' } })).statusCode).toBe(201);
  });
});

describe('bad input', () => {
  it('names unknown fields and writes nothing', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers: admin.headers, payload: { name: 'Unknown field team', colour: 'red', nested: 1 } });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors).toEqual(expect.arrayContaining([{ path: 'colour', message: 'unknown field' }, { path: 'nested', message: 'unknown field' }]));
    expect(await countTeams('Unknown field team')).toBe(0);
  });

  it('names the field that failed validation, in body and query', async () => {
    const body = await t.app.inject({ method: 'POST', url: '/api/v1/calendars', headers: admin.headers, payload: { name: 'Bad zone', timeZone: 'Mars/Olympus', weeklyHours: { mon: [['09:00', '08:00']] } } });
    expect(body.statusCode).toBe(400);
    const paths = body.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['timeZone', 'weeklyHours.mon.0']));
    const query = await t.app.inject({ method: 'GET', url: '/api/v1/users?limit=5000', headers: admin.headers });
    expect(query.statusCode).toBe(400);
    expect(query.json().errors[0].path).toBe('query.limit');
  });

  it('refuses non-JSON bodies with 415, oversized bodies with 413 and broken JSON with 400', async () => {
    const text = await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers: { ...admin.headers, 'content-type': 'text/plain' }, payload: 'name=x' });
    expect(text.statusCode).toBe(415);
    const form = await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers: { ...admin.headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=x' });
    expect(form.statusCode).toBe(415);
    const huge = await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers: { ...admin.headers, 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'x'.repeat(300 * 1024) }) });
    expect(huge.statusCode).toBe(413);
    const broken = await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers: { ...admin.headers, 'content-type': 'application/json' }, payload: '{"name": ' });
    expect(broken.statusCode).toBe(400);
    for (const res of [text, form, huge, broken]) {
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).not.toMatch(/at .*\.js|SELECT|INSERT|constraint/i);
    }
  });

  it('answers a foreign id exactly like a random one (404)', async () => {
    const rep = await t.userWithToken('sales_rep');
    const otherRep = await t.userWithToken('sales_rep');
    const foreignToken = (await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: otherRep.headers })).json().items[0].id;
    const foreign = await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${foreignToken}`, headers: rep.headers });
    const random = await t.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${randomUUID()}`, headers: rep.headers });
    expect(foreign.statusCode).toBe(404);
    expect(stableProblem(foreign.body)).toEqual(stableProblem(random.body));
    // …and the foreign token still works.
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: otherRep.headers })).statusCode).toBe(200);
  });

  it('turns a duplicate into 409 naming the field, never the constraint', async () => {
    await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers: admin.headers, payload: { name: 'Unique team' } });
    const dup = await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers: admin.headers, payload: { name: 'UNIQUE TEAM' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().errors).toEqual([{ path: 'name', message: 'already in use' }]);
  });
});

describe('every write is audited and emits an outbox event in its transaction', () => {
  it('writes one audit row and one outbox event per mutation, with actor, reason and request id', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers: { ...admin.headers, 'x-request-id': 'req-audit-0001' }, payload: { name: 'Audited team' } });
    const id = created.json().id;
    await t.app.inject({ method: 'PATCH', url: `/api/v1/teams/${id}`, headers: { ...admin.headers, 'if-match': '"v1"' }, payload: { name: 'Audited team 2', reason: 'rename after reorg' } });
    const audit = await t.database.superuser(`select event_name, actor_id, reason, request_id, before, after from audit_events where entity_id = $1 order by seq`, [id]);
    expect(audit.rows.map((r) => r.event_name)).toEqual(['team.created', 'team.updated']);
    expect(audit.rows[0]).toMatchObject({ actor_id: admin.id, request_id: 'req-audit-0001', before: null });
    expect(audit.rows[1]).toMatchObject({ reason: 'rename after reorg', before: { name: 'Audited team' }, after: { name: 'Audited team 2' } });
    const outbox = await t.database.superuser(`select event_type from outbox_events where aggregate_id = $1 order by seq`, [id]);
    expect(outbox.rows.map((r) => r.event_type)).toEqual(['team.created', 'team.updated']);
  });

  it('leaves nothing behind when a mutation fails mid-way', async () => {
    const before = Number((await t.database.superuser('select count(*) as n from audit_events')).rows[0]!.n);
    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/teams', headers: admin.headers, payload: { name: 'Half team', calendarId: randomUUID() } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ path: 'calendarId', message: 'no such calendar' }]);
    expect(await countTeams('Half team')).toBe(0);
    expect(Number((await t.database.superuser('select count(*) as n from audit_events')).rows[0]!.n)).toBe(before);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000) {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
