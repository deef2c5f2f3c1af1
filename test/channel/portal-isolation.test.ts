import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/platform/db/database.js';
import { type TestApp, createTestApp, stableProblem } from '../support/test-app.js';
import { type PortalWorld, makePortalWorld, sentinelsIn } from './portal-world.js';

/**
 * OWASP-style authorization matrix: role × route × owner class, the expected status of every cell written
 * by hand below (not derived from the permission table), plus sentinel scans of every body it produces.
 */
let t: TestApp;
let w: PortalWorld;
const headersOf = new Map<Role, Record<string, string>>();
beforeAll(async () => {
  t = await createTestApp();
  w = await makePortalWorld(t);
  headersOf.set('partner_admin', w.adminA.headers);
  headersOf.set('partner_user', w.userA1.headers);
  headersOf.set('admin', w.admin.headers);
  headersOf.set('sales_rep', w.rep.headers);
  headersOf.set('channel_manager', w.manager.headers);
  for (const role of ['revops', 'sales_manager', 'ops', 'finance', 'integration'] as const)
    headersOf.set(role, (await t.userWithToken(role)).headers);
});
afterAll(() => t.close());

type OwnerClass = 'own' | 'same_partner_other_user' | 'other_partner' | 'internal_direct' | 'none';
const CLASSES: OwnerClass[] = ['own', 'same_partner_other_user', 'other_partner', 'internal_direct', 'none'];
type Actor = Role | 'anonymous';
const ACTORS: Actor[] = [
  'anonymous',
  'admin',
  'revops',
  'sales_manager',
  'sales_rep',
  'channel_manager',
  'ops',
  'finance',
  'integration',
  'partner_admin',
  'partner_user',
];
const INTERNAL: Actor[] = ['admin', 'revops', 'sales_manager', 'sales_rep', 'channel_manager', 'ops', 'finance', 'integration'];

/** Expected status per actor and owner class. `all` = the same for every class. */
type Expect = Partial<Record<Actor, number | Partial<Record<OwnerClass, number>>>>;
type MatrixRoute = {
  method: 'GET' | 'POST';
  url: string;
  /** The id each owner class stands for, from the point of view of `actor` (routes without :id ignore it). */
  idFor?: (cls: OwnerClass, actor: Actor) => string | Promise<string>;
  body?: (cls: OwnerClass, actor: Actor) => Record<string, unknown>;
  headers?: Record<string, string>;
  expect: Expect;
};

const random = randomUUID();
// "own" for the partner admin is what the admin submitted; for the partner user, what user 1 submitted
const ownReg = (actor: Actor) => (actor === 'partner_user' ? w.registrations.userA1 : w.registrations.adminA);
const otherUsersReg = (actor: Actor) => (actor === 'partner_user' ? w.registrations.adminA : w.registrations.userA1);
const ownAccount = (actor: Actor) => (actor === 'partner_user' ? w.accounts.regByUserA1 : w.accounts.regByAdminA);
const otherUsersAccount = (actor: Actor) => (actor === 'partner_user' ? w.accounts.regByAdminA : w.accounts.regByUserA1);
const registrationIds = (cls: OwnerClass, actor: Actor) =>
  ({
    own: ownReg(actor),
    same_partner_other_user: otherUsersReg(actor),
    other_partner: w.registrations.b,
    internal_direct: w.accounts.direct,
    none: random,
  })[cls];
const accountIds = (cls: OwnerClass, actor: Actor) =>
  ({
    own: ownAccount(actor),
    same_partner_other_user: otherUsersAccount(actor),
    other_partner: w.accounts.ownedByB,
    internal_direct: w.accounts.directOnly,
    none: random,
  })[cls];

/** A new registration of partner A in `status`, submitted by the actor (own) or by another user of A. */
async function freshRegistration(status: 'approved' | 'returned', cls: OwnerClass, actor: Actor): Promise<string> {
  if (cls === 'other_partner') return w.registrations.b;
  if (cls === 'internal_direct') return w.accounts.direct;
  if (cls === 'none') return random;
  const me = actor === 'partner_user' ? w.userA1.id : w.adminA.id;
  const other = actor === 'partner_user' ? w.adminA.id : w.userA1.id;
  const now = new Date();
  const values = {
    partner_id: w.partnerA,
    submitted_by: cls === 'own' ? me : other,
    customer_name: `Fresh ${randomUUID()}`,
    customer_country: 'DE',
    product_line: w.productLine,
    amount_minor: 1000,
    expected_close_date: new Date(now.getTime() + 30 * 86_400_000).toISOString().slice(0, 10),
    status,
    created_at: now,
    updated_at: now,
    ...(status === 'approved'
      ? {
          approved_at: now,
          last_activity_at: now,
          exclusivity_cap_at: new Date(now.getTime() + 365 * 86_400_000),
          expires_at: new Date(now.getTime() + 90 * 86_400_000),
          warn_at: new Date(now.getTime() + 76 * 86_400_000),
        }
      : { info_request: 'More, please.' }),
  };
  return (await t.database.db.insertInto('registrations').values(values).returning('id').executeTakeFirstOrThrow()).id;
}
/** Users as targets: own = the actor itself, same partner = a fresh user of A, then B's user, an internal rep, none. */
async function userIds(cls: OwnerClass, actor: Actor): Promise<string> {
  if (cls === 'own') return actor === 'partner_user' ? w.userA1.id : w.adminA.id;
  if (cls === 'same_partner_other_user') return (await t.userWithToken('partner_user', { partnerId: w.partnerA })).id;
  return { other_partner: w.userB1.id, internal_direct: w.rep.id, none: random }[cls];
}

// hand-written rows ------------------------------------------------------------------------------------------
const internalAll = (status: number | Partial<Record<OwnerClass, number>>): Expect => Object.fromEntries(INTERNAL.map((r) => [r, status]));
const WRITE_OWN_PARTNER = (ok: number): Partial<Record<OwnerClass, number>> => ({
  own: ok,
  same_partner_other_user: ok,
  other_partner: 404,
  internal_direct: 404,
  none: 404,
});
const PARTNER_SEES_OWN_PARTNER: Partial<Record<OwnerClass, number>> = {
  own: 200,
  same_partner_other_user: 200,
  other_partner: 404,
  internal_direct: 404,
  none: 404,
};

const MATRIX: MatrixRoute[] = [
  { method: 'GET', url: '/api/partner/v1/partner', expect: { anonymous: 401, ...internalAll(403), partner_admin: 200, partner_user: 200 } },
  {
    method: 'GET',
    url: '/api/partner/v1/accounts',
    expect: { anonymous: 401, ...internalAll(403), partner_admin: 200, partner_user: 200 },
  },
  {
    method: 'GET',
    url: '/api/partner/v1/accounts/:id',
    idFor: accountIds,
    expect: { anonymous: 401, ...internalAll(403), partner_admin: PARTNER_SEES_OWN_PARTNER, partner_user: PARTNER_SEES_OWN_PARTNER },
  },
  {
    method: 'GET',
    url: '/api/partner/v1/products',
    expect: { anonymous: 401, ...internalAll(403), partner_admin: 200, partner_user: 200 },
  },
  { method: 'GET', url: '/api/partner/v1/notices', expect: { anonymous: 401, ...internalAll(403), partner_admin: 200, partner_user: 200 } },
  {
    method: 'POST',
    url: '/api/partner/v1/notices/read',
    body: (cls) => ({ ids: [cls === 'other_partner' ? w.notices.b : cls === 'none' ? random : w.notices.a2] }),
    expect: { anonymous: 401, ...internalAll(403), partner_admin: 200, partner_user: 200 },
  },
  {
    method: 'GET',
    url: '/api/partner/v1/registrations',
    expect: { anonymous: 401, ...internalAll(403), partner_admin: 200, partner_user: 200 },
  },
  {
    method: 'GET',
    url: '/api/partner/v1/registrations/:id',
    idFor: registrationIds,
    expect: { anonymous: 401, ...internalAll(403), partner_admin: PARTNER_SEES_OWN_PARTNER, partner_user: PARTNER_SEES_OWN_PARTNER },
  },
  {
    method: 'POST',
    url: '/api/partner/v1/registrations',
    body: () => ({
      customerName: `Matrix Customer ${randomUUID()}`,
      customerCountry: 'DE',
      productLine: w.productLine,
      amountMinor: 100_000,
      expectedCloseDate: '2030-01-31',
    }),
    expect: { anonymous: 401, ...internalAll(403), partner_admin: 201, partner_user: 201 },
  },
  {
    method: 'POST',
    url: '/api/partner/v1/registrations/:id/activities',
    idFor: (cls, actor) => freshRegistration('approved', cls, actor),
    body: () => ({ kind: 'call', subject: 'Matrix call' }),
    expect: { anonymous: 401, ...internalAll(403), partner_admin: WRITE_OWN_PARTNER(201), partner_user: WRITE_OWN_PARTNER(201) },
  },
  {
    method: 'POST',
    url: '/api/partner/v1/registrations/:id/resubmit',
    idFor: (cls, actor) => freshRegistration('returned', cls, actor),
    headers: { 'if-match': '"v1"' },
    body: () => ({ description: 'Here is more.' }),
    expect: { anonymous: 401, ...internalAll(403), partner_admin: WRITE_OWN_PARTNER(200), partner_user: WRITE_OWN_PARTNER(200) },
  },
  {
    method: 'POST',
    url: '/api/partner/v1/registrations/:id/withdraw',
    idFor: (cls, actor) => freshRegistration('approved', cls, actor),
    headers: { 'if-match': '"v1"' },
    body: () => ({ reason: 'Customer went quiet.' }),
    expect: { anonymous: 401, ...internalAll(403), partner_admin: WRITE_OWN_PARTNER(200), partner_user: WRITE_OWN_PARTNER(200) },
  },
  { method: 'GET', url: '/api/partner/v1/users', expect: { anonymous: 401, ...internalAll(403), partner_admin: 200, partner_user: 200 } },
  {
    method: 'POST',
    url: '/api/partner/v1/users',
    body: () => ({ email: `matrix-${randomUUID()}@partner.example`, name: 'Matrix User', role: 'partner_user' }),
    expect: { anonymous: 401, ...internalAll(403), partner_admin: 201, partner_user: 403 },
  },
  {
    method: 'POST',
    url: '/api/partner/v1/users/:id/deactivate',
    idFor: userIds,
    headers: { 'if-match': '"v1"' },
    body: () => ({ reason: 'Left the company.' }),
    // deactivating yourself is refused by rule (422); another user of the partner is the admin's to deactivate
    expect: {
      anonymous: 401,
      ...internalAll(403),
      partner_admin: { own: 422, same_partner_other_user: 200, other_partner: 404, internal_direct: 404, none: 404 },
      partner_user: 403,
    },
  },
  // internal routes on the same records: partner users never get in, whatever the id
  {
    method: 'GET',
    url: '/api/v1/accounts/:id',
    idFor: accountIds,
    expect: {
      anonymous: 401,
      ...internalAll({ own: 200, same_partner_other_user: 200, other_partner: 200, internal_direct: 200, none: 404 }),
      partner_admin: 403,
      partner_user: 403,
    },
  },
];

type Seen = { key: string; actor: Actor; cls: OwnerClass; status: number; body: string };
const seen: Seen[] = [];

describe('access matrix: role × route × owner class', () => {
  it('every cell answers the hand-written status (0 mismatches)', async () => {
    const mismatches: string[] = [];
    for (const route of MATRIX) {
      for (const actor of ACTORS) {
        for (const cls of route.idFor ? CLASSES : (['own'] as OwnerClass[])) {
          const expected = route.expect[actor];
          const want = typeof expected === 'number' ? expected : expected?.[cls];
          if (want === undefined) throw new Error(`no expectation for ${route.method} ${route.url} / ${actor} / ${cls}`);
          const url = route.idFor ? route.url.replace(':id', await route.idFor(cls, actor)) : route.url;
          const res = await t.app.inject({
            method: route.method,
            url,
            headers: { ...route.headers, ...(actor === 'anonymous' ? {} : headersOf.get(actor)) },
            ...(route.method === 'POST' && { payload: route.body ? route.body(cls, actor) : {} }),
          });
          seen.push({ key: `${route.method} ${route.url}`, actor, cls, status: res.statusCode, body: res.body });
          if (res.statusCode !== want)
            mismatches.push(
              `${route.method} ${route.url} as ${actor} on ${cls}: ${res.statusCode}, expected ${want}: ${res.body.slice(0, 200)}`,
            );
        }
      }
    }
    expect(mismatches).toEqual([]);
    // the size of the matrix, for the record
    expect(seen.length).toBe(MATRIX.reduce((n, r) => n + ACTORS.length * (r.idFor ? CLASSES.length : 1), 0));
    console.info(`portal access matrix: ${seen.length} cells checked`);
  });

  it('0 sentinels in any partner response or error body', () => {
    const partnerBodies = seen.filter((s) => s.actor === 'partner_admin' || s.actor === 'partner_user');
    expect(partnerBodies.length).toBeGreaterThan(0);
    const leaks = partnerBodies.flatMap((s) => sentinelsIn(w, s.body).map((x) => `${s.key} as ${s.actor} on ${s.cls}: ${x}`));
    expect(leaks).toEqual([]);
  });

  it('the sentinel scan can see a leak: internal bodies of the same records do carry sentinels', () => {
    const internal = seen.filter((s) => s.key === 'GET /api/v1/accounts/:id' && s.actor === 'admin' && s.cls === 'internal_direct');
    expect(sentinelsIn(w, internal[0]!.body).length).toBeGreaterThan(0);
  });
});

describe('no existence oracle', () => {
  it('another partner’s id, a direct record’s id and a random id answer byte-identically (modulo request id)', async () => {
    for (const route of MATRIX.filter((r) => r.idFor && r.url.startsWith('/api/partner/'))) {
      for (const actor of ['partner_admin', 'partner_user'] as const) {
        const bodies = seen.filter(
          (s) =>
            s.key === `${route.method} ${route.url}` && s.actor === actor && ['other_partner', 'internal_direct', 'none'].includes(s.cls),
        );
        expect(bodies).toHaveLength(3);
        expect(new Set(bodies.map((b) => b.status)).size).toBe(1);
        expect(new Set(bodies.map((b) => JSON.stringify(stableProblem(b.body)))).size, `${route.url} as ${actor}`).toBe(1);
      }
    }
  });
  it('a registration a pending or rejected registration of mine was matched to is as unknown as a random id', async () => {
    const answers = [];
    for (const id of [w.accounts.directOnly, w.accounts.ownedByB, randomUUID()]) {
      const res = await t.app.inject({ method: 'GET', url: `/api/partner/v1/accounts/${id}`, headers: w.userA2.headers });
      answers.push(`${res.statusCode} ${JSON.stringify(stableProblem(res.body))}`);
    }
    expect(new Set(answers).size).toBe(1);
  });
});
