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
  body: () => Record<string, unknown>;
  headers?: () => Record<string, string>;
};

/** Every partner write route with a valid body. */
const WRITES: Write[] = [
  { name: 'mark notices read', method: 'POST', url: () => '/api/partner/v1/notices/read', body: () => ({ ids: [w.notices.a] }) },
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
        fc.uniqueArray(fc.constantFrom(...MODEL_FIELDS), { minLength: 1, maxLength: 5 }),
        fc.array(fc.jsonValue({ maxDepth: 1 }), { minLength: 5, maxLength: 5 }),
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
