import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelCron, channelTasks } from '../../src/channel/tasks.js';
import { createPartner } from '../../src/channel/use-cases/create-partner.js';
import { detectChannelConflicts } from '../../src/channel/use-cases/detect-channel-conflicts.js';
import { buildTasks } from '../../src/app.js';
import { fixedClock } from '../../src/platform/clock.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

const clock = fixedClock(new Date('2026-03-02T09:00:00Z'));
const MINUTE = 60_000;
let t: TestApp;
let cm: Awaited<ReturnType<TestApp['userWithToken']>>;
let rep: Awaited<ReturnType<TestApp['userWithToken']>>;
let manager: Awaited<ReturnType<TestApp['userWithToken']>>;
let partnerId: string;

beforeAll(async () => {
  t = await createTestApp({ clock });
  cm = await t.userWithToken('channel_manager');
  rep = await t.userWithToken('sales_rep');
  manager = await t.userWithToken('sales_manager');
  partnerId = (await createPartner(t.system, { name: 'Conflict Partner', channelManagerId: cm.id, territory: ['EMEA'] })).id;
  await t.database.db.insertInto('product_lines').values({ code: 'compute', name: 'Compute', description: null }).execute();
});
afterAll(() => t.close());

const post = (url: string, headers: Record<string, string>, payload: unknown = {}) => t.app.inject({ method: 'POST', url, headers, payload: payload as object });
const get = (url: string, headers = cm.headers) => t.app.inject({ method: 'GET', url, headers });
const scan = async () => {
  const res = await post('/api/v1/conflicts/scan', cm.headers);
  expect(res.statusCode).toBe(200);
  return res.json() as { opened: number; openedIds: string[] };
};
const casesOn = (accountId: string) => t.database.db.selectFrom('conflict_cases').selectAll().where('account_id', '=', accountId).orderBy('created_at').execute();

async function account(name: string) {
  const res = await post('/api/v1/accounts', rep.headers, { name, region: 'EMEA' });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}
async function assignToPartner(accountId: string, to: string | null = partnerId) {
  const current = await get(`/api/v1/accounts/${accountId}/channel`);
  const res = await t.app.inject({
    method: 'PUT',
    url: `/api/v1/accounts/${accountId}/channel`,
    headers: { ...cm.headers, 'if-match': current.headers.etag as string },
    payload: { channelPartnerId: to, directOnly: false, reason: 'reseller agreement' },
  });
  expect(res.statusCode).toBe(200);
}
async function directOpportunity(accountId: string, name = 'Direct deal') {
  const res = await post('/api/v1/opportunities', rep.headers, { name, accountId, amount: 100_000, productLine: 'compute' });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}
async function activity(accountId: string, headers = rep.headers, subject = 'intro call') {
  const res = await post(`/api/v1/accounts/${accountId}/activities`, headers, { kind: 'call', subject });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}
async function approvedRegistration(accountId: string, partner = partnerId) {
  const now = clock.now();
  return (
    await t.database.db
      .insertInto('registrations')
      .values({
        partner_id: partner,
        account_id: accountId,
        customer_name: 'Customer',
        product_line: 'compute',
        amount_minor: 400_000,
        expected_close_date: '2026-12-01',
        status: 'approved',
        approved_at: now,
        last_activity_at: now,
        expires_at: new Date(now.getTime() + 90 * 86_400_000),
        exclusivity_cap_at: new Date(now.getTime() + 365 * 86_400_000),
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

describe('continuous conflict detection', () => {
  it('a direct opportunity on a partner-owned account opens one case, routed to the channel manager with a due date, however often the scan runs', async () => {
    await scan(); // start from a clean horizon
    const id = await account('Initech');
    await assignToPartner(id);
    clock.advance(MINUTE);
    const opp = await directOpportunity(id);
    const first = await scan();
    expect(first.opened).toBe(1);
    const [c] = await casesOn(id);
    expect(c).toMatchObject({ kind: 'direct_opportunity_on_partner_account', partner_id: partnerId, source_type: 'opportunity', source_id: opp, status: 'open', owner_id: cm.id });
    expect(c!.due_at.getTime()).toBeGreaterThan(clock.now().getTime());
    const assignment = await t.database.db.selectFrom('assignments').selectAll().where('record_type', '=', 'conflict_case').where('record_id', '=', c!.id).executeTakeFirstOrThrow();
    expect(assignment).toMatchObject({ owner_id: cm.id, reason_code: 'channel_manager', closed_at: null });
    expect(assignment.due_at.toISOString()).toBe(c!.due_at.toISOString());

    expect((await scan()).opened).toBe(0);
    clock.advance(5 * MINUTE); // still inside the 10-minute overlap: the act is seen again and deduped
    expect((await scan()).opened).toBe(0);
    clock.advance(30 * MINUTE);
    expect((await scan()).opened).toBe(0);
    expect(await casesOn(id)).toHaveLength(1);
  });

  it('direct activity on a partner-owned account opens exactly one case; more activity while it is open adds none', async () => {
    const id = await account('Hooli');
    await assignToPartner(id);
    clock.advance(MINUTE);
    const act = await activity(id);
    clock.advance(1000);
    await activity(id, rep.headers, 'follow-up a second later');
    expect((await scan()).opened).toBe(1);
    expect(await casesOn(id)).toMatchObject([{ kind: 'direct_activity_on_partner_account', source_type: 'activity', source_id: act, partner_id: partnerId }]);
    clock.advance(MINUTE);
    await activity(id, rep.headers, 'another call');
    expect((await scan()).opened).toBe(0);
    expect(await casesOn(id)).toHaveLength(1);
  });

  it('ignores channel work (channel manager, partner users) and acts from before the partner held the account', async () => {
    const id = await account('Vandelay Industries');
    await activity(id); // before the assignment
    await directOpportunity(id, 'Old direct deal'); // before the assignment
    clock.advance(MINUTE);
    await assignToPartner(id);
    clock.advance(MINUTE);
    await activity(id, cm.headers, 'channel manager check-in');
    const now = clock.now();
    await t.database.db
      .insertInto('activities')
      .values({ record_type: 'account', record_id: id, kind: 'note', subject: 'partner note', notes: null, actor_id: null, partner_id: partnerId, occurred_at: now, created_at: now })
      .execute();
    expect((await scan()).opened).toBe(0);
    expect(await casesOn(id)).toHaveLength(0);
  });

  it('an approved registration opens a case for later direct acts, and the reverse: approval on an account with an open direct opportunity', async () => {
    const registered = await account('Soylent Corp');
    const reg = await approvedRegistration(registered);
    clock.advance(MINUTE);
    const opp = await directOpportunity(registered);
    const direct = await account('Umbrella Corp');
    const openOpp = await directOpportunity(direct, 'Existing direct pipeline');
    clock.advance(MINUTE);
    const reverseReg = await approvedRegistration(direct);
    expect((await scan()).opened).toBe(2);
    expect(await casesOn(registered)).toMatchObject([{ kind: 'direct_opportunity_on_partner_account', source_id: opp, registration_id: reg, partner_id: partnerId }]);
    const [reverse] = await casesOn(direct);
    expect(reverse).toMatchObject({ kind: 'partner_registration_on_direct_account', source_type: 'registration', source_id: reverseReg, registration_id: reverseReg, partner_id: partnerId, owner_id: cm.id });
    expect(reverse!.detail).toContain('Existing direct pipeline');
    expect(openOpp).toBeTruthy();
    expect((await scan()).opened).toBe(0);
  });

  it('runs every minute as a cron task, and two scans at once open each case once', async () => {
    expect(channelCron).toContainEqual({ task: 'detect_channel_conflicts', schedule: '* * * * *' });
    expect(buildTasks({ db: t.database.db, clock, checkpoints: t.database.checkpoints }).cron).toContainEqual({ task: 'detect_channel_conflicts', schedule: '* * * * *' });
    const id = await account('Stark Industries');
    await assignToPartner(id);
    clock.advance(MINUTE);
    await directOpportunity(id);
    const task = channelTasks({ db: t.database.db, clock }).detect_channel_conflicts!;
    await Promise.all([task({}, {} as never), detectChannelConflicts(t.system), detectChannelConflicts(t.system)]);
    expect(await casesOn(id)).toHaveLength(1);
  });
});

describe('the conflict queue', () => {
  it('lists with filters, shows a case, and resolves it with If-Match: resolution recorded, assignment closed, audited', async () => {
    const id = await account('Wayne Enterprises');
    await assignToPartner(id);
    clock.advance(MINUTE);
    await directOpportunity(id);
    const { openedIds } = await scan();
    expect(openedIds).toHaveLength(1);
    const caseId = openedIds[0]!;

    const byAccount = (await get(`/api/v1/conflicts?accountId=${id}`)).json();
    expect(byAccount.items.map((c: { id: string }) => c.id)).toEqual([caseId]);
    expect(byAccount.items[0]).toMatchObject({ accountName: 'Wayne Enterprises', partnerName: 'Conflict Partner', owner: { id: cm.id }, overdue: false, status: 'open' });
    const byPartner = (await get(`/api/v1/conflicts?partnerId=${partnerId}&status=open&limit=200`)).json();
    expect(byPartner.items.map((c: { id: string }) => c.id)).toContain(caseId);
    expect((await get(`/api/v1/conflicts?overdue=true&accountId=${id}`)).json().items).toHaveLength(0);
    clock.advance(30 * 24 * 60 * MINUTE);
    expect((await get(`/api/v1/conflicts?overdue=true&accountId=${id}`)).json().items.map((c: { id: string; overdue: boolean }) => [c.id, c.overdue])).toEqual([[caseId, true]]);
    expect((await get(`/api/v1/conflicts?status=bogus`)).statusCode).toBe(400);
    expect((await get(`/api/v1/conflicts?color=red`)).statusCode).toBe(400);
    expect((await get('/api/v1/conflicts', rep.headers)).statusCode).toBe(403);

    const one = await get(`/api/v1/conflicts/${caseId}`);
    expect(one.headers.etag).toBe('"v1"');
    const resolveUrl = `/api/v1/conflicts/${caseId}/resolve`;
    expect((await post(resolveUrl, cm.headers, { resolution: 'keep_partner', reason: 'partner was first' })).statusCode).toBe(428);
    expect((await post(resolveUrl, { ...cm.headers, 'if-match': '"v1"' }, { resolution: 'keep_partner' })).statusCode).toBe(400);
    expect((await post(resolveUrl, { ...cm.headers, 'if-match': '"v1"' }, { resolution: 'split', reason: 'x' })).statusCode).toBe(400);
    expect((await post(resolveUrl, { ...rep.headers, 'if-match': '"v1"' }, { resolution: 'keep_partner', reason: 'x' })).statusCode).toBe(403);
    expect((await casesOn(id))[0]!.status).toBe('open');

    const resolved = await post(resolveUrl, { ...manager.headers, 'if-match': '"v1"' }, { resolution: 'co_sell', reason: 'both teams engaged; co-sell agreed' });
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json()).toMatchObject({ status: 'resolved', resolution: 'co_sell', resolutionReason: 'both teams engaged; co-sell agreed', resolvedBy: { id: manager.id }, overdue: false, version: 2 });
    const assignment = await t.database.db.selectFrom('assignments').selectAll().where('record_type', '=', 'conflict_case').where('record_id', '=', caseId).executeTakeFirstOrThrow();
    expect(assignment.closed_at).not.toBeNull();
    const { rows } = await t.database.superuser(`select reason, after from audit_events where event_name = 'conflict.resolved' and entity_id = $1`, [caseId]);
    expect(rows).toMatchObject([{ reason: 'both teams engaged; co-sell agreed', after: { resolution: 'co_sell' } }]);
    expect((await post(resolveUrl, { ...cm.headers, 'if-match': '"v2"' }, { resolution: 'dismissed', reason: 'again' })).statusCode).toBe(409);
    expect((await get(`/api/v1/accounts/${id}/channel`)).json().openConflicts).toEqual([]);
    expect((await get(`/api/v1/conflicts?status=resolved&accountId=${id}`)).json().items).toHaveLength(1);
    expect((await get('/api/v1/conflicts/7c9e6679-7425-40de-944b-e07fc1f90ae7')).statusCode).toBe(404);
  });
});
