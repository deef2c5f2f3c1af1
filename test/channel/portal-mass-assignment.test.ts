import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../support/test-app.js';
import { type PortalWorld, makePortalWorld } from './portal-world.js';

/**
 * Mass assignment (OWASP API3): every partner write gets random model fields added to a valid body. Each
 * such request is refused with a 400 naming every added field, and no row anywhere changes.
 */
let t: TestApp;
let w: PortalWorld;
beforeAll(async () => {
  t = await createTestApp();
  w = await makePortalWorld(t);
});
afterAll(() => t.close());

const MODEL_FIELDS = [
  'partnerId',
  'ownerId',
  'status',
  'probability',
  'approvedAt',
  'internalNotes',
  'decisionCode',
  'decisionReason',
  'accountId',
  'flags',
  'match',
  'expiresAt',
  'exclusivityCapAt',
  'lastActivityAt',
  'warnAt',
  'closedAt',
  'submittedBy',
  'version',
  'id',
  'createdAt',
  'partner_id',
  'owner_id',
  'internal_notes',
  'role',
  'readAt',
  'tier',
  'registrationCap',
];

type Write = {
  name: string;
  method: 'POST';
  url: () => string;
  /** Model fields this route does accept (they are not "added" fields here). */
  accepts?: string[];
  body: () => Record<string, unknown>;
  headers?: () => Record<string, string>;
};

/** Every partner write route with a valid body. */
const WRITES: Write[] = [
  { name: 'mark notices read', method: 'POST', url: () => '/api/partner/v1/notices/read', body: () => ({ ids: [w.notices.a] }) },
  {
    name: 'submit a registration',
    method: 'POST',
    url: () => '/api/partner/v1/registrations',
    body: () => ({
      customerName: 'Mass Assign Co',
      customerCountry: 'DE',
      productLine: w.productLine,
      amountMinor: 100_000,
      expectedCloseDate: '2030-01-31',
    }),
  },
  {
    name: 'resubmit a returned registration',
    method: 'POST',
    url: () => `/api/partner/v1/registrations/${w.registrations.returnedA}/resubmit`,
    headers: () => ({ 'if-match': '"v1"' }),
    body: () => ({ customerPhone: '+49 30 1234567' }),
  },
  {
    name: 'log an activity',
    method: 'POST',
    url: () => `/api/partner/v1/registrations/${w.registrations.userA1}/activities`,
    body: () => ({ kind: 'call', subject: 'Follow-up' }),
  },
  {
    name: 'withdraw a registration',
    method: 'POST',
    url: () => `/api/partner/v1/registrations/${w.registrations.userA1}/withdraw`,
    headers: () => ({ 'if-match': '"v1"' }),
    body: () => ({ reason: 'Lost interest.' }),
  },
  {
    name: 'create a partner user',
    method: 'POST',
    url: () => '/api/partner/v1/users',
    body: () => ({ email: 'mass.assign@partner.example', name: 'Mass Assign', role: 'partner_user' }),
    accepts: ['role'],
  },
  {
    name: 'deactivate a partner user',
    method: 'POST',
    url: () => `/api/partner/v1/users/${w.userA2.id}/deactivate`,
    headers: () => ({ 'if-match': '"v1"' }),
    body: () => ({ reason: 'Left.' }),
  },
];

/** Every row a partner request could possibly touch, as the app role. */
async function snapshot(): Promise<string> {
  const db = t.database.db;
  const tables = [
    'registrations',
    'activities',
    'partner_notices',
    'users',
    'partners',
    'accounts',
    'account_matches',
    'conflict_cases',
    'expiry_decisions',
    'assignments',
  ] as const;
  const out: Record<string, unknown> = {};
  for (const table of tables) out[table] = await db.selectFrom(table).selectAll().orderBy('id').execute();
  out.outbox = (
    await db
      .selectFrom('outbox_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
  ).n;
  out.audit = (
    await db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
  ).n;
  return JSON.stringify(out);
}

describe.each(WRITES.map((wr) => [wr.name, wr] as const))('%s', (_name, write) => {
  it('any added model field → 400 naming it, nothing written', async () => {
    const before = await snapshot();
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.constantFrom(...MODEL_FIELDS.filter((f) => !write.accepts?.includes(f))), { minLength: 1, maxLength: 5 }),
        fc.array(
          fc.oneof(
            fc.string(),
            fc.integer(),
            fc.boolean(),
            fc.constant(null),
            fc.array(fc.integer()),
            fc.dictionary(fc.constantFrom('a', 'b', 'status'), fc.string()),
          ),
          { minLength: 5, maxLength: 5 },
        ),
        async (fields, values) => {
          const payload = { ...write.body(), ...Object.fromEntries(fields.map((f, i) => [f, values[i] ?? null])) };
          const res = await t.app.inject({
            method: write.method,
            url: write.url(),
            headers: { ...w.adminA.headers, ...write.headers?.() },
            payload,
          });
          expect(res.statusCode).toBe(400);
          const paths = (res.json().errors as Array<{ path: string; message: string }>)
            .filter((e) => e.message === 'unknown field')
            .map((e) => e.path);
          expect(paths.sort()).toEqual([...fields].sort());
        },
      ),
      { numRuns: 40 },
    );
    expect(await snapshot()).toBe(before);
  });
});

describe('the writable set, on success', () => {
  // columns a partner write may never set, whatever it sends; compared before/after each accepted write
  const PROTECTED = [
    'partner_id',
    'submitted_by',
    'internal_notes',
    'probability',
    'decision_code',
    'owner_id',
    'approved_at',
    'exclusivity_cap_at',
    'reference',
    'created_at',
  ] as const;
  const protectedOf = async (id: string) =>
    t.database.db.selectFrom('registrations').select(PROTECTED).where('id', '=', id).executeTakeFirstOrThrow();

  it('logging an activity and withdrawing change nothing outside the writable set', async () => {
    const id = w.registrations.adminA;
    const before = await protectedOf(id);
    const logged = await t.app.inject({
      method: 'POST',
      url: `/api/partner/v1/registrations/${id}/activities`,
      headers: w.userA2.headers,
      payload: { kind: 'meeting', subject: 'Demo' },
    });
    expect(logged.statusCode, logged.body).toBe(201);
    const withdrawn = await t.app.inject({
      method: 'POST',
      url: `/api/partner/v1/registrations/${id}/withdraw`,
      headers: { ...w.userA2.headers, 'if-match': logged.headers.etag as string },
      payload: {},
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json()).toMatchObject({ status: 'withdrawn' });
    expect(await protectedOf(id)).toEqual(before);
  });

  it('resubmitting keeps partner, submitter, internal fields and reference', async () => {
    const id = w.registrations.returnedA;
    const before = await protectedOf(id);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/partner/v1/registrations/${id}/resubmit`,
      headers: { ...w.adminA.headers, 'if-match': '"v1"' },
      payload: { customerPhone: '+49 30 7654321' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'under_review', customerPhone: '+49 30 7654321' });
    const after = await protectedOf(id);
    expect({ ...after, owner_id: undefined }).toEqual({ ...before, owner_id: undefined }); // routing may (re)assign the reviewer
  });
});
