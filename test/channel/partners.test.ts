import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartner } from '../../src/channel/use-cases/create-partner.js';
import { createPartnerUser } from '../../src/channel/use-cases/create-partner-user.js';
import { deactivatePartnerUser } from '../../src/channel/use-cases/deactivate-partner-user.js';
import { listPartnerUsers } from '../../src/channel/use-cases/list-partner-users.js';
import { createUser } from '../../src/identity/use-cases/create-user.js';
import type { Role } from '../../src/platform/db/database.js';
import type { UseCaseContext } from '../../src/platform/use-case-context.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

let t: TestApp;
let cm: Awaited<ReturnType<TestApp['userWithToken']>>;
let rep: Awaited<ReturnType<TestApp['userWithToken']>>;
let revops: Awaited<ReturnType<TestApp['userWithToken']>>;

beforeAll(async () => {
  t = await createTestApp();
  cm = await t.userWithToken('channel_manager');
  rep = await t.userWithToken('sales_rep');
  revops = await t.userWithToken('revops');
});
afterAll(() => t.close());

const inject = (method: 'GET' | 'POST' | 'PATCH', url: string, headers: Record<string, string>, payload?: unknown) =>
  t.app.inject({ method, url, headers, ...(payload !== undefined && { payload: payload as object }) });
const count = async (table: 'partners' | 'users' | 'product_lines') => Number((await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
const audit = async (event: string, entityId: string) =>
  (await t.database.superuser<{ reason: string | null; before: unknown; after: unknown }>('select reason, before, after from audit_events where event_name = $1 and entity_id = $2 order by seq', [event, entityId])).rows;
const partnerActor = (userId: string, role: Role, partnerId: string): UseCaseContext => ({
  db: t.database.db,
  clock: t.clock,
  actor: { kind: 'user', userId, role, partnerId, label: `${role} ${userId}`, via: 'token' },
});

describe('partners', () => {
  it('creates a partner with tier, territory, channel manager, cap override and domains; reads, lists and updates it with If-Match', async () => {
    const created = await inject('POST', '/api/v1/partners', cm.headers, {
      name: 'Contoso Distribution',
      tier: 'gold',
      territory: ['EMEA', 'APAC'],
      domains: ['Contoso.example'],
      channelManagerId: cm.id,
      registrationCap: 12,
    });
    expect(created.statusCode).toBe(201);
    const partner = created.json();
    expect(partner).toMatchObject({
      name: 'Contoso Distribution',
      status: 'active',
      tier: 'gold',
      tierName: 'Gold',
      territory: ['EMEA', 'APAC'],
      domains: ['contoso.example'],
      registrationCap: 12,
      effectiveRegistrationCap: 12,
      activeRegistrations: 0,
      channelManagerId: cm.id,
      version: 1,
    });
    expect(partner.channelManager.id).toBe(cm.id);
    expect(created.headers.etag).toBe('"v1"');

    const read = await inject('GET', `/api/v1/partners/${partner.id}`, rep.headers);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ id: partner.id, users: [] });

    expect((await inject('PATCH', `/api/v1/partners/${partner.id}`, cm.headers, { registrationCap: null })).statusCode).toBe(428);
    expect((await inject('PATCH', `/api/v1/partners/${partner.id}`, { ...cm.headers, 'if-match': '"v7"' }, { registrationCap: null })).statusCode).toBe(412);
    const updated = await inject('PATCH', `/api/v1/partners/${partner.id}`, { ...cm.headers, 'if-match': '"v1"' }, { registrationCap: null, tier: 'silver', status: 'suspended', reason: 'tier review' });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ tier: 'silver', registrationCap: null, effectiveRegistrationCap: 25, status: 'suspended', version: 2 });
    const [change] = await audit('partner.updated', partner.id);
    expect(change).toMatchObject({ reason: 'tier review', before: { tier: 'gold', registrationCap: 12 }, after: { tier: 'silver', registrationCap: null } });

    await inject('POST', '/api/v1/partners', cm.headers, { name: 'Fabrikam Partners', tier: 'registered' });
    const suspended = (await inject('GET', '/api/v1/partners?status=suspended', rep.headers)).json();
    expect(suspended.items.map((p: { id: string }) => p.id)).toEqual([partner.id]);
    const page1 = (await inject('GET', '/api/v1/partners?limit=1', rep.headers)).json();
    expect(page1.items).toHaveLength(1);
    const page2 = (await inject('GET', `/api/v1/partners?limit=1&cursor=${page1.nextCursor}`, rep.headers)).json();
    expect(page2.items[0].id).not.toBe(page1.items[0].id);
    expect((await inject('GET', '/api/v1/partners?q=fabrikam', rep.headers)).json().items.map((p: { name: string }) => p.name)).toEqual(['Fabrikam Partners']);
  });

  it.each([
    ['unknown field', { name: 'X1', owner: 'me' }, ''],
    ['negative cap', { name: 'X2', registrationCap: -1 }, 'registrationCap'],
    ['fractional cap', { name: 'X3', registrationCap: 1.5 }, 'registrationCap'],
    ['bad domain', { name: 'X4', domains: ['not a domain'] }, 'domains.0'],
    ['duplicate region', { name: 'X5', territory: ['EMEA', 'emea'] }, 'territory.1'],
    ['unknown status', { name: 'X6', status: 'gone' }, 'status'],
    ['unknown tier', { name: 'X7', tier: 'diamond' }, 'tier'],
    ['a sales rep as channel manager', { name: 'X8', channelManagerId: 'REP' }, 'channelManagerId'],
  ])('refuses %s with a 400 naming the field, writing nothing', async (_label, body, field) => {
    const before = await count('partners');
    const payload = { ...body, ...(body.channelManagerId === 'REP' && { channelManagerId: rep.id }) };
    const res = await inject('POST', '/api/v1/partners', cm.headers, payload);
    expect(res.statusCode).toBe(400);
    if (field) expect(JSON.stringify(res.json())).toContain(field);
    expect(await count('partners')).toBe(before);
  });

  it('refuses an inactive channel manager and a duplicate name', async () => {
    const other = await createUser(t.system, { email: 'gone.cm@test.baton.dev', name: 'Gone CM', role: 'channel_manager' });
    await t.database.db.updateTable('users').set({ status: 'deactivated', deactivated_at: new Date() }).where('id', '=', other.id).execute();
    const res = await inject('POST', '/api/v1/partners', cm.headers, { name: 'Inactive CM Partner', channelManagerId: other.id });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('channelManagerId');
    await inject('POST', '/api/v1/partners', cm.headers, { name: 'Unique Name Ltd' });
    expect((await inject('POST', '/api/v1/partners', cm.headers, { name: 'unique name ltd' })).statusCode).toBe(409);
  });

  it('lists the four tiers in rank order', async () => {
    const res = await inject('GET', '/api/v1/partner-tiers', rep.headers);
    expect(res.json().items.map((x: { code: string; registrationCap: number }) => [x.code, x.registrationCap])).toEqual([
      ['registered', 10],
      ['silver', 25],
      ['gold', 60],
      ['platinum', 150],
    ]);
  });
});

describe('channel policy', () => {
  it.each([
    [{ inactivityDays: 89, reason: 'r' }, 'inactivityDays'],
    [{ inactivityDays: 181, reason: 'r' }, 'inactivityDays'],
    [{ inactivityDays: 120.5, reason: 'r' }, 'inactivityDays'],
    [{ warnDaysBefore: 0, reason: 'r' }, 'warnDaysBefore'],
    [{ nameMatchThreshold: 0, reason: 'r' }, 'nameMatchThreshold'],
    [{ paperMaxWinRate: 1.2, reason: 'r' }, 'paperMaxWinRate'],
    [{ paperMinActive: -3, reason: 'r' }, 'paperMinActive'],
    [{ reviewSlaHours: 0, reason: 'r' }, 'reviewSlaHours'],
    [{ inactivityDays: 120 }, 'reason'],
    [{ inactivityDays: 120, reason: 'r', surprise: true }, ''],
    [{ hardCapDays: 100, inactivityDays: 150, reason: 'r' }, 'hardCapDays'],
    [{ nearMatchThreshold: 0.9, reason: 'r' }, 'nearMatchThreshold'],
  ])('refuses %j with a 400 naming %s; nothing changes', async (body, field) => {
    const before = await inject('GET', '/api/v1/channel/policy', rep.headers);
    const res = await inject('PATCH', '/api/v1/channel/policy', { ...revops.headers, 'if-match': before.headers.etag as string }, body);
    expect(res.statusCode).toBe(400);
    if (field) expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(field);
    const after = await inject('GET', '/api/v1/channel/policy', rep.headers);
    expect(after.json()).toEqual(before.json());
  });

  it('updates with If-Match, audits before and after, and is refused to a sales rep', async () => {
    const before = await inject('GET', '/api/v1/channel/policy', rep.headers);
    expect(before.json()).toMatchObject({ inactivityDays: 90, hardCapDays: 365, nameMatchThreshold: 0.55 });
    expect((await inject('PATCH', '/api/v1/channel/policy', { ...rep.headers, 'if-match': before.headers.etag as string }, { inactivityDays: 120, reason: 'r' })).statusCode).toBe(403);
    expect((await inject('PATCH', '/api/v1/channel/policy', revops.headers, { inactivityDays: 120, reason: 'r' })).statusCode).toBe(428);
    const res = await inject('PATCH', '/api/v1/channel/policy', { ...revops.headers, 'if-match': before.headers.etag as string }, { inactivityDays: 180, paperMinActive: 5, reason: 'programme 2027' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ inactivityDays: 180, paperMinActive: 5, version: before.json().version + 1 });
    expect((await inject('PATCH', '/api/v1/channel/policy', { ...revops.headers, 'if-match': before.headers.etag as string }, { inactivityDays: 100, reason: 'stale' })).statusCode).toBe(412);
    const [change] = await audit('channel_policy.updated', 'channel_policy');
    expect(change).toMatchObject({ reason: 'programme 2027', before: { inactivityDays: 90 }, after: { inactivityDays: 180, paperMinActive: 5 } });
  });
});

describe('product lines', () => {
  it('creates, lists, refuses duplicates and bad codes', async () => {
    const res = await inject('POST', '/api/v1/product-lines', cm.headers, { code: 'network', name: 'Networking', description: 'Switches and routers' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ code: 'network', name: 'Networking' });
    expect((await inject('POST', '/api/v1/product-lines', cm.headers, { code: 'network', name: 'Again' })).statusCode).toBe(409);
    const before = await count('product_lines');
    const bad = await inject('POST', '/api/v1/product-lines', cm.headers, { code: 'Has Spaces', name: 'Bad' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('code');
    expect(await count('product_lines')).toBe(before);
    expect((await inject('POST', '/api/v1/product-lines', rep.headers, { code: 'storage', name: 'Storage' })).statusCode).toBe(403);
    expect((await inject('GET', '/api/v1/product-lines', rep.headers)).json().items.map((p: { code: string }) => p.code)).toContain('network');
  });
});

describe('partner users', () => {
  it('a channel manager creates partner admins and users through the identity write path; other roles are refused', async () => {
    const partner = (await inject('POST', '/api/v1/partners', cm.headers, { name: 'Users Partner' })).json();
    const res = await inject('POST', `/api/v1/partners/${partner.id}/users`, cm.headers, { email: 'Pat.Admin@users-partner.example', name: 'Pat Admin', role: 'partner_admin', password: 'a long enough password' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ email: 'pat.admin@users-partner.example', role: 'partner_admin', partnerId: partner.id, status: 'active' });
    const { rows } = await t.database.superuser<{ password_hash: string; partner_id: string }>('select password_hash, partner_id from users where id = $1', [res.json().id]);
    expect(rows[0]!.password_hash).toMatch(/^\$argon2id\$/);
    expect(await audit('partner_user.created', res.json().id)).toHaveLength(1);

    const before = await count('users');
    const wrongRole = await inject('POST', `/api/v1/partners/${partner.id}/users`, cm.headers, { email: 'x@users-partner.example', name: 'X', role: 'sales_rep' });
    expect(wrongRole.statusCode).toBe(400);
    expect(wrongRole.json().errors[0].path).toBe('role');
    const smuggled = await inject('POST', `/api/v1/partners/${partner.id}/users`, cm.headers, { email: 'y@users-partner.example', name: 'Y', role: 'partner_user', partnerId: partner.id });
    expect(smuggled.statusCode).toBe(400);
    expect((await inject('POST', `/api/v1/partners/${partner.id}/users`, cm.headers, { email: 'pat.admin@users-partner.example', name: 'Dup', role: 'partner_user' })).statusCode).toBe(409);
    expect((await inject('POST', '/api/v1/partners/8d9b2f0e-2a41-4c1e-9a8e-0c8c7d6e5f40/users', cm.headers, { email: 'z@z.example', name: 'Z', role: 'partner_user' })).statusCode).toBe(404);
    expect((await inject('POST', `/api/v1/partners/${partner.id}/users`, rep.headers, { email: 'r@users-partner.example', name: 'R', role: 'partner_user' })).statusCode).toBe(403);
    expect(await count('users')).toBe(before);
    expect((await inject('GET', `/api/v1/partners/${partner.id}`, rep.headers)).json().users.map((u: { email: string }) => u.email)).toEqual(['pat.admin@users-partner.example']);
  });

  it('partner admins list, create and deactivate users of their own partner only', async () => {
    const a = await createPartner(t.system, { name: 'Self Service A' });
    const b = await createPartner(t.system, { name: 'Self Service B' });
    const adminA = await createUser(t.system, { email: 'admin@a.example', name: 'Admin A', role: 'partner_admin', partnerId: a.id });
    const userB = await createUser(t.system, { email: 'user@b.example', name: 'User B', role: 'partner_user', partnerId: b.id });
    const asAdminA = partnerActor(adminA.id, 'partner_admin', a.id);

    const created = await createPartnerUser(asAdminA, { email: 'new@a.example', name: 'New A', role: 'partner_user' });
    expect(created).toMatchObject({ partnerId: a.id, role: 'partner_user', status: 'active' });
    const listed = await listPartnerUsers(asAdminA, { limit: 50 });
    expect(listed.items.map((u) => u.email)).toEqual(['admin@a.example', 'new@a.example']);
    expect(listed.items.every((u) => u.partnerId === a.id)).toBe(true);

    const asUserA = partnerActor(created.id, 'partner_user', a.id);
    await expect(createPartnerUser(asUserA, { email: 'nope@a.example', name: 'Nope', role: 'partner_user' })).rejects.toMatchObject({ code: 'forbidden' });
    expect((await listPartnerUsers(asUserA, { limit: 50 })).items).toHaveLength(2);
    const internal: UseCaseContext = { ...asAdminA, actor: { ...asAdminA.actor, kind: 'user', role: 'channel_manager', partnerId: null } as UseCaseContext['actor'] };
    await expect(listPartnerUsers(internal, { limit: 50 })).rejects.toMatchObject({ code: 'forbidden' });

    // another partner's user looks exactly like a random id
    const foreign = await deactivatePartnerUser(asAdminA, { userId: userB.id, expectedVersion: 1, reason: 'x' }).catch((e: unknown) => e);
    const random = await deactivatePartnerUser(asAdminA, { userId: '3f1c0d55-1111-4c1e-9a8e-0c8c7d6e5f40', expectedVersion: 1, reason: 'x' }).catch((e: unknown) => e);
    expect(foreign).toMatchObject({ code: 'not_found' });
    expect((foreign as Error).message).toBe((random as Error).message);
    await expect(deactivatePartnerUser(asAdminA, { userId: adminA.id, expectedVersion: 1, reason: 'me' })).rejects.toMatchObject({ code: 'rule_violation' });
    await expect(deactivatePartnerUser(asAdminA, { userId: created.id, expectedVersion: 9, reason: 'x' })).rejects.toMatchObject({ code: 'precondition_failed' });

    const token = await t.database.db
      .insertInto('api_tokens')
      .values({ user_id: created.id, name: 't', token_hash: `hash-${created.id}`, token_prefix: 'p', created_by: null, created_at: new Date(), last_used_at: null, expires_at: null, revoked_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const gone = await deactivatePartnerUser(asAdminA, { userId: created.id, expectedVersion: 1, reason: 'left the company' });
    expect(gone).toMatchObject({ status: 'deactivated', version: 2 });
    expect((await t.database.db.selectFrom('api_tokens').select('revoked_at').where('id', '=', token.id).executeTakeFirstOrThrow()).revoked_at).not.toBeNull();
    expect(await audit('partner_user.deactivated', created.id)).toMatchObject([{ reason: 'left the company' }]);
    const userBAfter = await t.database.db.selectFrom('users').select('status').where('id', '=', userB.id).executeTakeFirstOrThrow();
    expect(userBAfter.status).toBe('active');
  });
});
