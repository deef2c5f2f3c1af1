import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_CATALOGUE, NOTIFICATION_EVENT_TYPES, eventSchemaVersion, payloadSchema, publishedCatalogue } from '../../src/integrations/event-catalogue.js';
import { inTransaction } from '../../src/platform/use-case-context.js';
import { notifyMany } from '../../src/routing/append-assignment.js';
import { AUDIT_EVENT_NAMES, type AuditEventName } from '../../src/platform/audit/events.js';
import { type TestApp, createTestApp } from '../support/test-app.js';
import { makeWorld } from '../orders/world.js';
import { settled } from './settle.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await settled(t);
});

afterAll(() => t.close());

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validators = new Map(publishedCatalogue().map((event) => [event.type, ajv.compile(event.payloadSchema)]));

describe('event catalogue: completeness', () => {
  it('has exactly one entry per audit event name, and the runtime list has no duplicates', () => {
    expect(new Set(AUDIT_EVENT_NAMES).size).toBe(AUDIT_EVENT_NAMES.length);
    expect(Object.keys(EVENT_CATALOGUE).sort()).toEqual([...AUDIT_EVENT_NAMES].sort());
    for (const name of AUDIT_EVENT_NAMES) {
      const entry = EVENT_CATALOGUE[name];
      expect(entry.version, name).toBeGreaterThanOrEqual(1);
      expect(entry.summary.length, name).toBeGreaterThan(5);
      expect(entry.aggregate.length, name).toBeGreaterThan(0);
    }
  });

  it('publishes a compilable JSON Schema for every audited event whose top level is exactly {before, after, reason}', () => {
    const published = publishedCatalogue();
    expect(published.map((e) => e.type)).toEqual([...AUDIT_EVENT_NAMES, ...NOTIFICATION_EVENT_TYPES]);
    for (const event of published.filter((e) => !e.type.startsWith('notification.') || e.type in EVENT_CATALOGUE)) {
      expect(event.payloadSchema, event.type).toMatchObject({
        type: 'object',
        required: ['before', 'after', 'reason'],
        additionalProperties: false,
      });
      const validate = validators.get(event.type)!;
      // A payload with a field outside {before, after, reason} is refused by every schema.
      expect(validate({ before: null, after: null, reason: null, extra: 1 }), event.type).toBe(false);
    }
  });

  it('exact schemas reject snapshots that miss fields or carry unknown ones', () => {
    const validate = validators.get('lead.created')!;
    expect(validate({ before: null, after: { id: 'not-a-lead' }, reason: null })).toBe(false);
    const terms = validators.get('customer_terms.set')!;
    const after = { accountId: '5f0c6a4e-8f7e-4d4b-9c59-2f2d7a3e9b11', tier: 'gold', creditLimitMinor: 100, paymentTerms: 'net30' };
    expect(terms({ before: null, after, reason: null })).toBe(true);
    expect(terms({ before: null, after: { ...after, paymentTerms: 'net90' }, reason: null })).toBe(false);
    expect(terms({ before: null, after: { ...after, secret: 'x' }, reason: null })).toBe(false);
  });
});

describe('event catalogue: real outbox payloads validate against their schemas', () => {
  it('every kind of inbox notification is published with its own payload schema and a schema version', async () => {
    const user = await t.userWithToken('sales_rep');
    const kinds = NOTIFICATION_EVENT_TYPES.map((type) => type.slice('notification.'.length));
    await inTransaction(t.system, (trx) =>
      notifyMany(
        trx,
        t.system,
        kinds.map((kind) => ({ userId: user.id, kind: kind as never, recordType: 'lead', recordId: null, title: `A ${kind}`, body: 'test' })),
      ),
    );
    const { rows } = await t.database.superuser<{ event_type: string; payload: unknown }>(
      "select event_type, payload from outbox_events where event_type like 'notification.%' and event_type <> all($1)",
      [['notification.read', 'notification.created']],
    );
    expect(rows.map((r) => r.event_type).sort()).toEqual([...NOTIFICATION_EVENT_TYPES].sort());
    for (const row of rows) {
      const validate = validators.get(row.event_type)!;
      expect(validate(row.payload), `${row.event_type}: ${JSON.stringify(validate.errors)}`).toBe(true);
      // A payload of another kind, or with an extra field, is refused.
      expect(validate({ ...(row.payload as object), kind: row.event_type === 'notification.assigned' ? 'breached' : 'assigned' })).toBe(false);
      expect(validate({ ...(row.payload as object), extra: 1 })).toBe(false);
      expect(eventSchemaVersion(row.event_type)).toBe(1);
    }
  });

  it('every outbox row written by a mix of native and synced mutations matches its event type’s schema', async () => {
    const admin = await t.userWithToken('admin');
    const integration = await t.userWithToken('integration');
    await settled(t);
    const h = admin.headers;
    const post = (url: string, payload: object, headers: Record<string, string> = h) =>
      t.app.inject({ method: 'POST', url, headers, payload });

    const lead = await post('/api/v1/leads', { name: 'Catalogue lead', email: 'cat@example.com', region: 'EMEA', amount: 1200 });
    expect(lead.statusCode, lead.body).toBe(201);
    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/leads/${lead.json().id}`,
      headers: { ...h, 'if-match': lead.headers.etag as string },
      payload: { company: 'Cat Co', reason: 'typo' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const account = await post('/api/v1/accounts', { name: 'Catalogue account', domain: 'catalogue.example', region: 'EMEA' });
    expect(account.statusCode, account.body).toBe(201);
    const opp = await post('/api/v1/opportunities', { name: 'Catalogue deal', accountId: account.json().id, amount: 50_000 });
    expect(opp.statusCode, opp.body).toBe(201);
    const staged = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/opportunities/${opp.json().id}`,
      headers: { ...h, 'if-match': opp.headers.etag as string },
      payload: { stage: 'Qualification' },
    });
    expect(staged.statusCode, staged.body).toBe(200);

    const world = await makeWorld(t.database.db, t.clock);
    const order = await post('/api/v1/orders', {
      channelId: world.channel.id,
      accountId: world.accountId,
      lines: [{ itemId: world.item.id, qty: 1, unitPriceMinor: 1000 }],
    });
    expect(order.statusCode, order.body).toBe(201);
    const count = await post('/api/v1/stock/counts', { itemId: world.item.id, locationId: world.a.id, counted: 7 });
    expect(count.statusCode, count.body).toBe(201);

    const sync = (path: string, payload: object) =>
      t.app.inject({ method: 'PUT', url: `/api/v1/sync/${path}`, headers: integration.headers, payload });
    expect(
      (await sync('erp/items/I-1', { version: 1, data: { sku: 'CAT-SKU-1', name: 'Synced widget', unitCostMinor: 250 } })).statusCode,
    ).toBe(200);
    expect(
      (await sync('erp/items/I-1', { version: 2, data: { sku: 'CAT-SKU-1', name: 'Synced widget v2', unitCostMinor: 275 } })).statusCode,
    ).toBe(200);
    expect(
      (
        await sync('erp/customers/C-1', {
          version: 1,
          data: { accountId: world.accountId, tier: 'platinum', creditLimitMinor: 5_000_000, paymentTerms: 'net60' },
        })
      ).statusCode,
    ).toBe(200);
    process.env.BATON_WEBHOOKS_ALLOW_LOOPBACK = '1';
    const hook = await post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['lead.*'] });
    delete process.env.BATON_WEBHOOKS_ALLOW_LOOPBACK;
    expect(hook.statusCode, hook.body).toBe(201);

    const { rows } = await t.database.superuser('select event_type, aggregate_type, payload from outbox_events order by seq');
    const seen = new Set<string>();
    for (const row of rows as Array<{ event_type: AuditEventName; aggregate_type: string; payload: unknown }>) {
      const validate = validators.get(row.event_type);
      expect(validate, `no catalogue entry for ${row.event_type}`).toBeDefined();
      const ok = validate!(row.payload);
      expect(ok, `${row.event_type}: ${JSON.stringify(validate!.errors)}\n${JSON.stringify(row.payload)}`).toBe(true);
      seen.add(row.event_type);
    }
    // The sample covers these exact (field-by-field) schemas; a drift between view and schema fails above.
    const sampled: AuditEventName[] = [
      'user.created',
      'lead.created',
      'lead.updated',
      'account.created',
      'opportunity.created',
      'opportunity.stage_changed',
      'item.created',
      'item.updated',
      'customer_terms.set',
      'stock.counted',
      'order.created',
      'webhook.created',
    ];
    for (const type of sampled) {
      expect(seen, type).toContain(type);
      expect(EVENT_CATALOGUE[type].exact, type).toBe(true);
    }
    expect(rows.length).toBeGreaterThan(20);
  });

  it('zod and JSON Schema agree on a real payload (the published schema is generated from the typed one)', async () => {
    const { rows } = await t.database.superuser("select payload from outbox_events where event_type = 'lead.updated' limit 1");
    expect(payloadSchema('lead.updated').safeParse(rows[0]!.payload).success).toBe(true);
    expect(validators.get('lead.updated')!(rows[0]!.payload)).toBe(true);
  });
});

// Last: the first OpenAPI build blocks the event loop for ~2 s, which under-pressure answers with 503s for a moment.
describe('event catalogue: publication', () => {
  beforeAll(() => settled(t));
  it('is served without authentication at /api/v1/events/catalogue and referenced from the OpenAPI document', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/events/catalogue' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { events: Array<{ type: string; version: number; payloadSchema: object }> };
    expect(body.events.map((e) => e.type)).toEqual([...AUDIT_EVENT_NAMES, ...NOTIFICATION_EVENT_TYPES]);
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const inDoc = doc['x-event-catalogue'];
    expect(inDoc).toMatchObject({
      href: '/api/v1/events/catalogue',
      envelope: { required: ['id', 'type', 'schemaVersion', 'occurredAt', 'aggregate', 'data'] },
    });
    expect(inDoc.events).toEqual(body.events);
    expect(doc.paths['/api/v1/events/catalogue']).toBeDefined();
  });
});
