import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditInsert } from '../../src/platform/audit/append-audit.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

// jsonb columns travel as one JSON document (an object per row): what each value must come back as.
const cases: Array<{ name: string; before: unknown; after: unknown; expected: { before: unknown; after: unknown } }> = [
  { name: 'SQL NULL stays NULL', before: null, after: '{"a":1}', expected: { before: 'SQL NULL', after: { a: 1 } } },
  { name: 'JSON null stays a JSON null', before: 'null', after: '[]', expected: { before: null, after: [] } },
  {
    name: 'quotes, backslashes, newlines and non-ASCII',
    before: JSON.stringify({ text: 'say "hi" \\ back\nslash — ü ✓ 😀' }),
    after: JSON.stringify('{"not":"parsed"}'),
    expected: { before: { text: 'say "hi" \\ back\nslash — ü ✓ 😀' }, after: '{"not":"parsed"}' },
  },
  {
    name: 'nested documents and scalars',
    before: '[1,"two",{"three":[3,null,true]}]',
    after: '-12.5',
    expected: { before: [1, 'two', { three: [3, null, true] }], after: -12.5 },
  },
  {
    name: 'a value rather than JSON text is serialised',
    before: { passed: ['as', 'value'] },
    after: 42,
    expected: { before: { passed: ['as', 'value'] }, after: 42 },
  },
];

describe('unnestInsert', () => {
  it('writes every row in order, each jsonb value exactly as given', async () => {
    const entity = randomUUID();
    await auditInsert(
      t.database.db,
      cases.map((c) => ({
        id: randomUUID(),
        occurred_at: new Date().toISOString(),
        event_name: 'test.unnest',
        entity_type: 'test',
        entity_id: entity,
        actor_id: null,
        actor_label: 'test',
        reason: c.name,
        request_id: null,
        before: c.before as string | null,
        after: c.after as string | null,
        digest: 'not sealed in this test',
      })),
    ).execute();
    const { rows } = await t.database.superuser(
      `select reason, before is null as before_is_null, before, after from audit_events where entity_id = $1 order by seq`,
      [entity],
    );
    expect(rows.map((r) => r.reason)).toEqual(cases.map((c) => c.name));
    rows.forEach((row, i) => {
      expect({ before: row.before_is_null ? 'SQL NULL' : row.before, after: row.after }, cases[i]!.name).toEqual(cases[i]!.expected);
    });
  });

  it('writes nothing, and does not fail, for no rows', async () => {
    const before = await t.database.superuser('select count(*)::int as n from audit_events');
    await auditInsert(t.database.db, []).execute();
    expect((await t.database.superuser('select count(*)::int as n from audit_events')).rows[0]!.n).toBe(before.rows[0]!.n);
  });
});
