import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncRecord } from '../../src/integrations/use-cases/sync-record.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

let t: TestApp;
let integration: Awaited<ReturnType<TestApp['userWithToken']>>;
beforeAll(async () => {
  t = await createTestApp();
  integration = await t.userWithToken('integration');
});
afterAll(() => t.close());

const put = (path: string, payload: object) => t.app.inject({ method: 'PUT', url: `/api/v1/sync/${path}`, headers: integration.headers, payload });

describe('inbound sync over HTTP', () => {
  it('creates on the first version, then ignores duplicates and older versions, and applies newer ones like a native write', async () => {
    const first = await put('hubspot/accounts/acc-1', { version: 5, data: { name: 'Acme v5', domain: 'acme-sync.example', region: 'EMEA' } });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ applied: true, created: true, version: 5 });
    const recordId = first.json().recordId as string;

    expect((await put('hubspot/accounts/acc-1', { version: 5, data: { name: 'Acme again' } })).json()).toEqual({ applied: false, reason: 'duplicate', recordId, version: 5 });
    expect((await put('hubspot/accounts/acc-1', { version: 3, data: { name: 'Acme v3' } })).json()).toEqual({ applied: false, reason: 'stale', recordId, version: 5 });
    expect((await put('hubspot/accounts/acc-1', { version: 6, data: { name: 'Acme v6' } })).json()).toEqual({ applied: true, created: false, recordId, version: 6 });

    const { rows } = await t.database.superuser('select name, region, version from accounts where id = $1', [recordId]);
    expect(rows[0]).toEqual({ name: 'Acme v6', region: 'EMEA', version: 2 });
    const events = await t.database.superuser('select event_type from outbox_events where aggregate_id = $1 order by seq', [recordId]);
    expect(events.rows.map((r) => r.event_type)).toEqual(expect.arrayContaining(['account.created', 'account.updated']));
    const audit = await t.database.superuser("select reason from audit_events where entity_id = $1 and event_name = 'account.updated'", [recordId]);
    expect(audit.rows[0]!.reason).toBe('sync from hubspot (version 6)');
  });

  it('keeps the same external id apart per source and per type', async () => {
    const a = (await put('salesforce/leads/X1', { version: 1, data: { name: 'Lead SF' } })).json();
    const b = (await put('hubspot/leads/X1', { version: 1, data: { name: 'Lead HS' } })).json();
    expect(a.created).toBe(true);
    expect(b.created).toBe(true);
    expect(a.recordId).not.toBe(b.recordId);
    const lead = await t.database.superuser('select name from leads where id = $1', [a.recordId]);
    expect(lead.rows[0]!.name).toBe('Lead SF');
  });

  it.each([
    ['hubspot/accounts/acc-bad', { version: 1, data: {} }, 'data.name'],
    ['hubspot/accounts/acc-bad', { version: 1, data: { name: 'X', employees: -1 } }, 'data.employees'],
    ['hubspot/accounts/acc-bad', { version: -1, data: { name: 'X' } }, 'version'],
    ['hubspot/accounts/acc-bad', { data: { name: 'X' } }, 'version'],
    ['hubspot/widgets/w-1', { version: 1, data: { name: 'X' } }, 'path.type'],
    ['Hub Spot/accounts/a', { version: 1, data: { name: 'X' } }, 'path.source'],
  ])('refuses %s %j naming %s', async (path, payload, field) => {
    const res = await put(path, payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(field);
  });

  it('concurrent deliveries of one stream create the record once and end at the newest version', async () => {
    const results = await Promise.all([3, 1, 2, 3, 1, 4, 2].map((version) => put('erp/accounts/conc-1', { version, data: { name: `Conc v${version}` } })));
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    expect(results.filter((r) => r.json().created).length).toBe(1);
    const recordId = results[0]!.json().recordId as string;
    expect(new Set(results.map((r) => r.json().recordId))).toEqual(new Set([recordId]));
    const { rows } = await t.database.superuser('select name from accounts where id = $1', [recordId]);
    expect(rows[0]!.name).toBe('Conc v4');
  });
});

describe('convergence (property)', () => {
  it('shuffled and duplicated version streams end with the data of the last version', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }).chain((n) =>
          fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array.from({ length: n }, (_, i) => i + 1), ...Array.from({ length: n }, (_, i) => i + 1)], { minLength: 2 * n, maxLength: 2 * n })),
        ),
        fc.constantFrom('accounts' as const, 'leads' as const),
        async ([n, stream], type) => {
          const externalId = `prop-${++run}-${Math.random()}`;
          const outcomes = [];
          for (const version of stream) {
            outcomes.push(await syncRecord(t.system, { source: 'prop', type, externalId }, { version, data: { name: `Name v${version}`, region: `Region ${version}` } }));
          }
          expect(outcomes.filter((o) => o.applied && o.created)).toHaveLength(1);
          const recordId = outcomes[0]!.recordId;
          const { rows } = await t.database.superuser(`select name, region from ${type} where id = $1`, [recordId]);
          expect(rows[0]).toEqual({ name: `Name v${n}`, region: `Region ${n}` });
          const map = await t.database.superuser('select last_version from external_ids where source = $1 and external_id = $2', ['prop', externalId]);
          expect(Number(map.rows[0]!.last_version)).toBe(n);
        },
      ),
      { numRuns: 25 },
    );
  });
});
