import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConflictCase } from '../../src/channel/open-conflict-case.js';
import { createPartner } from '../../src/channel/use-cases/create-partner.js';
import { inTransaction } from '../../src/platform/use-case-context.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

let t: TestApp;
let cm: Awaited<ReturnType<TestApp['userWithToken']>>;
let rep: Awaited<ReturnType<TestApp['userWithToken']>>;

beforeAll(async () => {
  t = await createTestApp();
  cm = await t.userWithToken('channel_manager');
  rep = await t.userWithToken('sales_rep');
  await t.database.db.insertInto('product_lines').values({ code: 'compute', name: 'Compute', description: null }).execute();
});
afterAll(() => t.close());

const put = (accountId: string, headers: Record<string, string>, payload: unknown) => t.app.inject({ method: 'PUT', url: `/api/v1/accounts/${accountId}/channel`, headers, payload: payload as object });
const read = (accountId: string, headers = rep.headers) => t.app.inject({ method: 'GET', url: `/api/v1/accounts/${accountId}/channel`, headers });

async function account(name: string, ownerId?: string) {
  const now = new Date();
  const row = await t.database.db.insertInto('accounts').values({ name, region: 'EMEA', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
  if (ownerId) {
    // owner_id is written only by routing; the test plays routing for this one row
    await t.database.db.transaction().execute(async (trx) => {
      await sql`select set_config('baton.ownership_writer', 'routing', true)`.execute(trx);
      await trx.updateTable('accounts').set({ owner_id: ownerId }).where('id', '=', row.id).execute();
    });
  }
  return row.id;
}

async function registration(partnerId: string, accountId: string, status: 'approved' | 'rejected' | 'under_review') {
  const now = new Date();
  const approved = status === 'approved' ? { approved_at: now, expires_at: new Date(now.getTime() + 86_400_000), exclusivity_cap_at: new Date(now.getTime() + 2 * 86_400_000) } : {};
  return (
    await t.database.db
      .insertInto('registrations')
      .values({ partner_id: partnerId, account_id: accountId, customer_name: 'Customer', product_line: 'compute', amount_minor: 500_000, expected_close_date: '2030-01-01', status, created_at: now, updated_at: now, ...approved })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

describe('account channel ownership', () => {
  it('assigns a channel owner with If-Match and a reason, audits before/after, and shows direct owner, channel owner, registrations and open conflicts', async () => {
    const partner = await createPartner(t.system, { name: 'Owner Partner', tier: 'gold', channelManagerId: cm.id });
    const id = await account('Globex Corporation', rep.id);
    const first = await read(id);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ directOwner: { id: rep.id }, channelOwner: null, activeRegistrations: [], openConflicts: [] });
    const etag = first.headers.etag as string;

    expect((await put(id, cm.headers, { channelPartnerId: partner.id, directOnly: false, reason: 'signed reseller agreement' })).statusCode).toBe(428);
    expect((await put(id, { ...rep.headers, 'if-match': etag }, { channelPartnerId: partner.id, directOnly: false, reason: 'x' })).statusCode).toBe(403);
    const set = await put(id, { ...cm.headers, 'if-match': etag }, { channelPartnerId: partner.id, directOnly: false, reason: 'signed reseller agreement' });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ channelPartnerId: partner.id, directOnly: false, channelAssignedBy: cm.id, version: 2 });
    expect(set.json().channelAssignedAt).not.toBeNull();
    expect((await put(id, { ...cm.headers, 'if-match': etag }, { channelPartnerId: null, directOnly: false, reason: 'stale' })).statusCode).toBe(412);

    const { rows } = await t.database.superuser<{ reason: string; before: unknown; after: unknown }>(
      `select reason, before, after from audit_events where event_name = 'account.channel_owner_set' and entity_id = $1`,
      [id],
    );
    expect(rows).toEqual([
      {
        reason: 'signed reseller agreement',
        before: { channelPartnerId: null, directOnly: false, channelAssignedAt: null, channelAssignedBy: null },
        after: { channelPartnerId: partner.id, directOnly: false, channelAssignedAt: set.json().channelAssignedAt, channelAssignedBy: cm.id },
      },
    ]);

    const approved = await registration(partner.id, id, 'approved');
    const pending = await registration(partner.id, id, 'under_review');
    await registration(partner.id, id, 'rejected');
    const conflict = await inTransaction(t.system, (trx) =>
      openConflictCase(trx, t.system, { accountId: id, kind: 'registration_overlap', partnerId: partner.id, registrationId: pending, sourceType: 'registration', sourceId: pending, detail: 'overlap' }),
    );
    const view = (await read(id)).json();
    expect(view.channelOwner).toMatchObject({
      partner: { id: partner.id, name: 'Owner Partner', tier: 'gold', status: 'active' },
      channelManager: { id: cm.id },
      assignedBy: { id: cm.id },
    });
    expect(view.activeRegistrations.map((r: { id: string }) => r.id).sort()).toEqual([approved, pending].sort());
    expect(view.openConflicts).toMatchObject([{ id: conflict!.id, kind: 'registration_overlap', status: 'open', owner: { id: cm.id } }]);
    expect(view.account).toMatchObject({ id, channelPartnerId: partner.id, version: 2 });

    // taking it back as a direct-only account
    const cleared = await put(id, { ...cm.headers, 'if-match': '"v2"' }, { channelPartnerId: null, directOnly: true, reason: 'strategic account' });
    expect(cleared.json()).toMatchObject({ channelPartnerId: null, directOnly: true, version: 3 });
    expect((await read(id)).json().channelOwner).toBeNull();
  });

  it.each([
    ['no reason', { channelPartnerId: null, directOnly: false }, 'reason'],
    ['empty reason', { channelPartnerId: null, directOnly: false, reason: '  ' }, 'reason'],
    ['no directOnly', { channelPartnerId: null, reason: 'r' }, 'directOnly'],
    ['unknown field', { channelPartnerId: null, directOnly: false, reason: 'r', ownerId: 'x' }, ''],
    ['not a uuid', { channelPartnerId: 'partner-1', directOnly: false, reason: 'r' }, 'channelPartnerId'],
    ['direct-only with a partner', { channelPartnerId: 'PARTNER', directOnly: true, reason: 'r' }, 'channelPartnerId'],
    ['unknown partner', { channelPartnerId: '2b6f1c8e-4a4d-4f0e-9d7a-111111111111', directOnly: false, reason: 'r' }, 'channelPartnerId'],
    ['suspended partner', { channelPartnerId: 'SUSPENDED', directOnly: false, reason: 'r' }, 'channelPartnerId'],
  ])('refuses %s with a 400 naming the field; the account is unchanged', async (_label, body, field) => {
    const partner = await createPartner(t.system, { name: `Bad input partner ${Math.random()}` });
    const suspended = await createPartner(t.system, { name: `Suspended partner ${Math.random()}`, status: 'suspended' });
    const id = await account(`Bad input account ${Math.random()}`);
    const payload = { ...body, ...(body.channelPartnerId === 'PARTNER' && { channelPartnerId: partner.id }), ...(body.channelPartnerId === 'SUSPENDED' && { channelPartnerId: suspended.id }) };
    const res = await put(id, { ...cm.headers, 'if-match': '"v1"' }, payload);
    expect(res.statusCode).toBe(400);
    if (field) expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(field);
    const row = await t.database.db.selectFrom('accounts').select(['version', 'channel_partner_id', 'direct_only', 'channel_assigned_at']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ version: 1, channel_partner_id: null, direct_only: false, channel_assigned_at: null });
  });

  it('answers 404 for an unknown account', async () => {
    expect((await read('5a0b8f7e-1c2d-4e3f-8a9b-0c1d2e3f4a5b')).statusCode).toBe(404);
    expect((await put('5a0b8f7e-1c2d-4e3f-8a9b-0c1d2e3f4a5b', { ...cm.headers, 'if-match': '"v1"' }, { channelPartnerId: null, directOnly: false, reason: 'r' })).statusCode).toBe(404);
  });
});
