import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARGON2_PARAMS, hashPassword, needsRehash, verifyPassword } from '../../src/identity/passwords.js';
import { createUser } from '../../src/identity/use-cases/create-user.js';
import { signIn } from '../../src/identity/use-cases/sign-in.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

let t: TestApp;
let admin: Awaited<ReturnType<TestApp['userWithToken']>>;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.userWithToken('admin');
});
afterAll(() => t.close());

describe('passwords', () => {
  it('are Argon2id with OWASP parameters (m=19456 KiB, t=2, p=1) in PHC format', async () => {
    const user = await createUser(t.system, { email: 'phc@test.baton.dev', name: 'PHC', role: 'sales_rep', password: 'correct horse battery' });
    const { rows } = await t.database.superuser('select password_hash from users where id = $1', [user.id]);
    expect(rows[0]!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(ARGON2_PARAMS).toMatchObject({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  });

  it.each([['ünïcødé pässwörd ✓'], ['with\u0000nul byte inside'], ['a'.repeat(1024)]])('round-trip %#', async (password) => {
    const stored = await hashPassword(password);
    expect(await verifyPassword(stored, password)).toBe(true);
    expect(await verifyPassword(stored, `${password}x`)).toBe(false);
  });

  it('upgrades a weaker stored hash at the next sign-in', async () => {
    const { hash } = await import('@node-rs/argon2');
    const weak = await hash('an old weak password', { algorithm: 2, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    expect(needsRehash(weak)).toBe(true);
    const user = await createUser(t.system, { email: 'weak@test.baton.dev', name: 'Weak', role: 'sales_rep' });
    await t.database.superuser('update users set password_hash = $1 where id = $2', [weak, user.id]);
    await signIn({ db: t.database.db, clock: t.clock, policy: { idleMinutes: 30, absoluteHours: 8 } }, { email: user.email, password: 'an old weak password' });
    const { rows } = await t.database.superuser('select password_hash from users where id = $1', [user.id]);
    expect(needsRehash(rows[0]!.password_hash)).toBe(false);
  });
});

describe('users over HTTP', () => {
  it('creates, reads, updates with If-Match, and never exposes the hash', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: admin.headers, payload: { email: 'New.Rep@Test.Baton.dev', name: 'New Rep', role: 'sales_rep', password: 'twelve chars ok' } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ email: 'new.rep@test.baton.dev', role: 'sales_rep', status: 'active', version: 1 });
    expect(created.body).not.toMatch(/argon|password/i);
    const patched = await t.app.inject({ method: 'PATCH', url: `/api/v1/users/${created.json().id}`, headers: { ...admin.headers, 'if-match': created.headers.etag as string }, payload: { role: 'sales_manager', reason: 'promotion' } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ role: 'sales_manager', version: 2 });
    expect(patched.headers.etag).toBe('"v2"');
  });

  it('refuses a partner role without a partner, and an internal role with one', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/users', headers: admin.headers, payload: { email: 'p@test.baton.dev', name: 'P', role: 'partner_user' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ path: 'partnerId', message: 'required for partner roles' }]);
  });

  it('deactivation ends the user’s sessions and tokens in the same step, with a reason', async () => {
    const rep = await t.userWithToken('sales_rep');
    const current = await t.app.inject({ method: 'GET', url: `/api/v1/users/${rep.id}`, headers: admin.headers });
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/users/${rep.id}/deactivate`, headers: { ...admin.headers, 'if-match': current.headers.etag as string }, payload: { reason: 'left the company' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'deactivated' });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: rep.headers })).statusCode).toBe(401);
    const audit = await t.database.superuser(`select reason from audit_events where event_name = 'user.deactivated' and entity_id = $1`, [rep.id]);
    expect(audit.rows[0]!.reason).toBe('left the company');
  });

  it('keeps at least one active admin', async () => {
    const single = await createTestApp();
    try {
      const onlyAdmin = await single.userWithToken('admin');
      const me = await single.app.inject({ method: 'GET', url: `/api/v1/users/${onlyAdmin.id}`, headers: onlyAdmin.headers });
      const demote = await single.app.inject({ method: 'PATCH', url: `/api/v1/users/${onlyAdmin.id}`, headers: { ...onlyAdmin.headers, 'if-match': me.headers.etag as string }, payload: { role: 'revops' } });
      expect(demote.statusCode).toBe(422);
      expect(demote.json().code).toBe('rule_violation');
    } finally {
      await single.close();
    }
  });

  it('lists with filters and a cursor that walks every user exactly once', async () => {
    for (let i = 0; i < 7; i++) await createUser(t.system, { email: `page${i}@list.baton.dev`, name: `Page ${i}`, role: 'ops' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { statusCode: number; json(): { items: Array<{ email: string }>; nextCursor: string | null } } = await t.app.inject({ method: 'GET', url: `/api/v1/users?role=ops&limit=3${cursor ? `&cursor=${cursor}` : ''}`, headers: admin.headers });
      expect(res.statusCode).toBe(200);
      seen.push(...res.json().items.map((u: { email: string }) => u.email));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(seen.filter((e) => e.endsWith('@list.baton.dev'))).toHaveLength(7);
    expect(new Set(seen).size).toBe(seen.length);
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/users?cursor=garbage', headers: admin.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('cursor');
  });
});

describe('calendars', () => {
  it('stores an IANA zone, weekly hours and sorted unique holidays', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/calendars',
      headers: admin.headers,
      payload: { name: 'Berlin', timeZone: 'Europe/Berlin', weeklyHours: { mon: [['08:00', '12:00'], ['13:00', '17:00']] }, holidays: ['2026-12-25', '2026-12-24', '2026-12-25'] },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ timeZone: 'Europe/Berlin', holidays: ['2026-12-24', '2026-12-25'] });
  });
});
