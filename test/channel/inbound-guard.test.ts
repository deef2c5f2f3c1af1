import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchAccount } from '../../src/channel/match-account.js';
import { createPartner } from '../../src/channel/use-cases/create-partner.js';
import { inTransaction } from '../../src/platform/use-case-context.js';
import { routeRecordsBatch } from '../../src/routing/use-cases/route-records-batch.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

type User = Awaited<ReturnType<TestApp['userWithToken']>>;
let t: TestApp;
let admin: User;
let rep: User;
let manager: User;
let opsUser: User;
let partnerWithManager: string;
let partnerWithoutManager: string;
let partnerOwned: string;
let registered: string;
let clean: string;
let orphaned: string;

const post = (url: string, payload: unknown, who: User = admin, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, headers: { ...who.headers, ...headers }, payload: payload as object });
const rows = async <T extends Record<string, unknown>>(text: string, values: unknown[] = []) =>
  (await t.database.superuser<T>(text, values)).rows;
const count = async (text: string, values: unknown[] = []) => Number((await rows<{ n: string }>(text, values))[0]!.n);

async function publish(recordType: string, rules: unknown[]) {
  await t.database.superuser(`update rulesets set status = 'retired', retired_at = now() where record_type = $1 and status = 'published'`, [
    recordType,
  ]);
  const number = await count(`select coalesce(max(number), 0) + 1 as n from rulesets where record_type = $1`, [recordType]);
  const withIds = rules.map((r) => ({ id: randomUUID(), ...(r as object) }));
  await t.database.superuser(
    `insert into rulesets (record_type, name, number, status, rules, published_at, created_at, updated_at) values ($1, $2, $3, 'published', $4, now(), now(), now())`,
    [recordType, `${recordType} rules ${number}`, number, JSON.stringify(withIds)],
  );
  return withIds as Array<{ id: string }>;
}

async function account(
  name: string,
  fields: { domain?: string; country?: string; postalCode?: string; phone?: string; channelPartnerId?: string } = {},
) {
  const [row] = await rows<{ id: string }>(
    `insert into accounts (name, domain, country, postal_code, phone, channel_partner_id, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, now(), now()) returning id`,
    [name, fields.domain ?? null, fields.country ?? null, fields.postalCode ?? null, fields.phone ?? null, fields.channelPartnerId ?? null],
  );
  return row!.id;
}

async function approvedRegistration(partnerId: string, accountId: string, productLine = 'GTX') {
  await t.database.superuser(
    `insert into registrations (partner_id, account_id, customer_name, product_line, amount_minor, expected_close_date, status, approved_at, last_activity_at,
                                expires_at, exclusivity_cap_at, created_at, updated_at)
     values ($1, $2, 'Customer', $3, 100000, current_date + 60, 'approved', now(), now(), now() + interval '90 days', now() + interval '365 days', now(), now())`,
    [partnerId, accountId, productLine],
  );
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.userWithToken('admin');
  rep = await t.userWithToken('sales_rep');
  manager = await t.userWithToken('channel_manager');
  opsUser = await t.userWithToken('ops');
  partnerWithManager = (await createPartner(t.system, { name: 'Northwind Distribution' })).id;
  partnerWithoutManager = (await createPartner(t.system, { name: 'Orphan Distribution' })).id;
  await t.database.superuser('update partners set channel_manager_id = $1 where id = $2', [manager.id, partnerWithManager]);
  await t.database.superuser(`insert into product_lines (code, name) values ('GTX', 'GTX'), ('MG', 'MG')`);
  partnerOwned = await account('Globex Corporation', { domain: 'globex.com', country: 'United States' });
  await t.database.superuser('update accounts set channel_partner_id = $1 where id = $2', [partnerWithManager, partnerOwned]);
  registered = await account('Initech', { domain: 'initech.com', country: 'United States', postalCode: '78701' });
  await approvedRegistration(partnerWithManager, registered);
  clean = await account('Umbrella Corporation', { domain: 'umbrella.com', country: 'United States' });
  orphaned = await account('Soylent', { domain: 'soylent.com', country: 'United States', channelPartnerId: partnerWithoutManager });
  // A direct rule that would take every lead: the guard must run before it.
  await publish('lead', [{ name: 'Direct: everything', when: { all: [] }, then: { target: { type: 'user', id: rep.id } } }]);
});
afterAll(() => t.close());

describe('the inbound guard', () => {
  it('routes a lead matched by name to a partner-owned account to the channel manager, before the direct rule', async () => {
    const res = await post('/api/v1/leads', { name: 'Hank', company: 'Globex Corp.', country: 'United States', email: 'hank@gmail.com' });
    expect(res.statusCode, res.body).toBe(201);
    const lead = res.json();
    expect(lead.accountId).toBe(partnerOwned);
    expect(lead.ownerId).toBe(manager.id);
    expect(lead.assignment).toMatchObject({
      outcome: 'assigned',
      ownerId: manager.id,
      reasonCode: 'registered_account',
      reason: 'registered account',
      ruleId: null,
      rulesetId: null,
    });
    expect(lead.assignment.explanation.rules).toEqual([]);
    expect(lead.assignment.explanation.guard).toMatchObject({
      applied: true,
      basis: 'channel_partner',
      partnerId: partnerWithManager,
      accountId: partnerOwned,
      channelManagerId: manager.id,
    });
    const [ledger] = await rows<{ reason_code: string; reason: string; owner_id: string; explanation: { guard: { applied: boolean } } }>(
      `select reason_code, reason, owner_id, explanation from assignments where record_type = 'lead' and record_id = $1 and closed_at is null`,
      [lead.id],
    );
    expect(ledger).toMatchObject({ reason_code: 'registered_account', reason: 'registered account', owner_id: manager.id });
    expect(ledger!.explanation.guard.applied).toBe(true);
  });

  it('routes a lead on an account with an approved registration (matched by domain) to the channel manager', async () => {
    const res = await post('/api/v1/leads', {
      name: 'Peter',
      company: 'Something else entirely',
      email: 'peter@initech.com',
      productLine: 'GTX',
    });
    expect(res.statusCode, res.body).toBe(201);
    const lead = res.json();
    expect(lead.accountId).toBe(registered);
    expect(lead.assignment).toMatchObject({ ownerId: manager.id, reasonCode: 'registered_account', reason: 'registered account' });
    expect(lead.assignment.explanation.guard).toMatchObject({
      applied: true,
      basis: 'approved_registration',
      partnerId: partnerWithManager,
    });
    // The fact is real: the account's facts in the explanation say so.
    expect(lead.assignment.explanation.facts.account).toMatchObject({
      hasActiveRegistration: true,
      activeRegistrations: [{ partnerId: partnerWithManager, productLine: 'GTX' }],
    });
  });

  it('applies to a lead created with an explicit account too', async () => {
    const res = await post('/api/v1/leads', { name: 'Explicit', accountId: registered });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().assignment).toMatchObject({ ownerId: manager.id, reasonCode: 'registered_account' });
    // No match is recorded for a lead that came with its account.
    expect(await count(`select count(*) as n from account_matches where subject_id = $1`, [res.json().id])).toBe(0);
  });

  it('a lead on a clean account follows the rules (no guard in the explanation)', async () => {
    const res = await post('/api/v1/leads', { name: 'Alice', company: 'Umbrella Corp', country: 'united states' });
    expect(res.statusCode, res.body).toBe(201);
    const lead = res.json();
    expect(lead.accountId).toBe(clean);
    expect(lead.assignment).toMatchObject({ ownerId: rep.id, reason: 'Direct: everything' });
    expect(lead.assignment.reasonCode).not.toBe('registered_account');
    expect(lead.assignment.explanation.guard).toBeUndefined();
    expect(lead.assignment.explanation.facts.account).toMatchObject({ hasActiveRegistration: false, activeRegistrations: [] });
  });

  it('a partner without an active channel manager: the rules decide, and the explanation keeps the guard’s note', async () => {
    const res = await post('/api/v1/leads', { name: 'Sol', email: 'sol@soylent.com' });
    expect(res.statusCode, res.body).toBe(201);
    const lead = res.json();
    expect(lead.accountId).toBe(orphaned);
    expect(lead.assignment).toMatchObject({ ownerId: rep.id, reason: 'Direct: everything' });
    expect(lead.assignment.explanation.guard).toMatchObject({
      applied: false,
      basis: 'channel_partner',
      partnerId: partnerWithoutManager,
      channelManagerId: null,
    });
    expect(lead.assignment.explanation.guard.note).toMatch(/no active channel manager/);
  });

  it('a deactivated channel manager is no channel manager', async () => {
    const otherManager = await t.userWithToken('channel_manager');
    const partner = (await createPartner(t.system, { name: 'Former Manager Distribution' })).id;
    await t.database.superuser('update partners set channel_manager_id = $1 where id = $2', [otherManager.id, partner]);
    await t.database.superuser(`update users set status = 'deactivated', deactivated_at = now() where id = $1`, [otherManager.id]);
    const accountId = await account('Vandelay Industries', { channelPartnerId: partner });
    const res = await post('/api/v1/leads', { name: 'Art', accountId });
    expect(res.json().assignment).toMatchObject({ ownerId: rep.id });
    expect(res.json().assignment.explanation.guard.applied).toBe(false);
  });

  it('holds in bulk routing as well, with the guard recorded in the explanation', async () => {
    const ids: string[] = [];
    for (const accountId of [partnerOwned, clean, registered]) {
      const [row] = await rows<{ id: string }>(
        `insert into leads (name, account_id, created_at, updated_at) values ('Bulk', $1, now(), now()) returning id`,
        [accountId],
      );
      ids.push(row!.id);
    }
    const result = await routeRecordsBatch(t.system, { recordType: 'lead', recordIds: ids });
    expect(result).toMatchObject({ routed: 3, assigned: 3, unassigned: 0 });
    const ledger = await rows<{
      record_id: string;
      owner_id: string;
      reason_code: string;
      ruleset_id: string | null;
      explanation: { guard?: { applied: boolean } };
    }>(
      `select record_id, owner_id, reason_code, ruleset_id, explanation from assignments where record_type = 'lead' and record_id = any($1::uuid[]) and closed_at is null`,
      [ids],
    );
    const byId = new Map(ledger.map((l) => [l.record_id, l]));
    expect(byId.get(ids[0]!)).toMatchObject({ owner_id: manager.id, reason_code: 'registered_account', ruleset_id: null });
    expect(byId.get(ids[0]!)!.explanation.guard!.applied).toBe(true);
    expect(byId.get(ids[1]!)).toMatchObject({ owner_id: rep.id });
    expect(byId.get(ids[1]!)!.explanation.guard).toBeUndefined();
    expect(byId.get(ids[2]!)).toMatchObject({ owner_id: manager.id, reason_code: 'registered_account' });
  });
});

describe('hasActiveRegistration is a real fact', () => {
  it('an opportunity rule on account.hasActiveRegistration sees the approved registration', async () => {
    const registeredOwner = await t.userWithToken('sales_rep');
    await publish('opportunity', [
      {
        name: 'Registered accounts',
        when: { field: 'account.hasActiveRegistration', op: 'eq', value: true },
        then: { target: { type: 'user', id: registeredOwner.id } },
      },
      { name: 'Everything else', when: { all: [] }, then: { target: { type: 'user', id: rep.id } } },
    ]);
    const onRegistered = await post('/api/v1/opportunities', { name: 'Deal A', accountId: registered });
    expect(onRegistered.statusCode, onRegistered.body).toBe(201);
    expect(onRegistered.json().assignment).toMatchObject({ ownerId: registeredOwner.id, reason: 'Registered accounts' });
    const onClean = await post('/api/v1/opportunities', { name: 'Deal B', accountId: clean });
    expect(onClean.json().assignment).toMatchObject({ ownerId: rep.id, reason: 'Everything else' });
    // A registration that is not approved does not count.
    const pending = await account('Pending Co');
    await t.database.superuser(
      `insert into registrations (partner_id, account_id, customer_name, product_line, amount_minor, expected_close_date, status, created_at, updated_at)
       values ($1, $2, 'Pending', 'GTX', 1000, current_date + 30, 'under_review', now(), now())`,
      [partnerWithManager, pending],
    );
    const onPending = await post('/api/v1/opportunities', { name: 'Deal C', accountId: pending });
    expect(onPending.json().assignment).toMatchObject({ ownerId: rep.id });
  });
});

describe('match evidence is stored', () => {
  it('a lead’s match: one account_matches row with method, score and every candidate, audited', async () => {
    const res = await post('/api/v1/leads', { name: 'Bill', company: 'Initech Inc.', email: 'bill@yahoo.com', country: 'US' });
    expect(res.statusCode, res.body).toBe(201);
    const lead = res.json();
    // "US" ≠ "United States": no supporting field, so the similar name is only a near match, and no account is set.
    expect(lead.accountId).toBeNull();
    const [match] = await rows<{
      account_id: string | null;
      method: string;
      score: string;
      near_match_id: string | null;
      created_account: boolean;
      evidence: Record<string, unknown>;
    }>(
      `select account_id, method, score, near_match_id, created_account, evidence from account_matches where subject_type = 'lead' and subject_id = $1`,
      [lead.id],
    );
    expect(match).toMatchObject({ account_id: null, method: 'none', near_match_id: registered, created_account: false });
    expect(Number(match!.score)).toBe(1);
    const evidence = match!.evidence as {
      subject: { ignoredDomains: unknown[] };
      candidates: Array<{ accountId: string; verdict: string; agreed: string[] }>;
    };
    expect(evidence.subject.ignoredDomains).toEqual([{ value: 'yahoo.com', why: 'free_mail' }]);
    expect(evidence.candidates[0]).toMatchObject({ accountId: registered, verdict: 'name_without_support', agreed: [] });
    expect(
      await count(`select count(*) as n from audit_events where event_name = 'account.match_recorded' and entity_id = $1`, [lead.id]),
    ).toBe(1);

    const matched = await post('/api/v1/leads', {
      name: 'Bill',
      company: 'Initech Inc.',
      country: 'United States',
      email: 'bill@yahoo.com',
    });
    const [row] = await rows<{ account_id: string; method: string; evidence: { candidates: Array<{ agreed: string[] }> } }>(
      `select account_id, method, evidence from account_matches where subject_type = 'lead' and subject_id = $1`,
      [matched.json().id],
    );
    expect(row).toMatchObject({ account_id: registered, method: 'name' });
    expect(row!.evidence.candidates[0]!.agreed).toEqual(['country']);
  });

  it('matchAccount with createIfNone creates the account through routing (audited, routed), flagged for review when a near match exists', async () => {
    const ctx = t.system;
    const near = await inTransaction(ctx, (trx) =>
      matchAccount(
        trx,
        ctx,
        { type: 'registration', id: randomUUID(), name: 'Globex Corp', country: 'Germany', postalCode: '10115', phone: '+49 30 1234567' },
        { createIfNone: true },
      ),
    );
    expect(near).toMatchObject({ method: 'none', createdAccount: true, nearMatchId: partnerOwned });
    const [created] = await rows<{ name: string; needs_review: boolean; postal_code: string; phone: string; country: string }>(
      `select name, needs_review, postal_code, phone, country from accounts where id = $1`,
      [near.accountId],
    );
    expect(created).toMatchObject({
      name: 'Globex Corp',
      needs_review: true,
      postal_code: '10115',
      phone: '+49 30 1234567',
      country: 'Germany',
    });
    expect(
      await count(`select count(*) as n from audit_events where event_name = 'account.created' and entity_id = $1`, [near.accountId]),
    ).toBe(1);
    // Routed like a native account: no account rule set here, so it waits in the Unassigned queue with its reason.
    expect(
      await count(`select count(*) as n from unassigned_records where record_type = 'account' and record_id = $1`, [near.accountId]),
    ).toBe(1);
    const [stored] = await rows<{ near_match_id: string; created_account: boolean }>(
      `select near_match_id, created_account from account_matches where account_id = $1`,
      [near.accountId],
    );
    expect(stored).toMatchObject({ near_match_id: partnerOwned, created_account: true });
    // The new account is found by the next match of the same customer.
    const again = await inTransaction(ctx, (trx) =>
      matchAccount(trx, ctx, { type: 'registration', id: randomUUID(), name: 'Globex Corp.', postalCode: '10115' }, { createIfNone: true }),
    );
    expect(again).toMatchObject({ accountId: near.accountId, method: 'name', createdAccount: false });

    const fresh = await inTransaction(ctx, (trx) =>
      matchAccount(
        trx,
        ctx,
        { type: 'registration', id: randomUUID(), name: 'Entirely Novel Widgets', domain: 'novel-widgets.io' },
        { createIfNone: true },
      ),
    );
    expect(fresh).toMatchObject({ method: 'none', createdAccount: true, nearMatchId: null });
    const [novel] = await rows<{ needs_review: boolean; domain: string }>(`select needs_review, domain from accounts where id = $1`, [
      fresh.accountId,
    ]);
    expect(novel).toEqual({ needs_review: false, domain: 'novel-widgets.io' });
  });

  it('matching the same subject again replaces its row (one per subject)', async () => {
    const ctx = t.system;
    const id = randomUUID();
    await inTransaction(ctx, (trx) =>
      matchAccount(trx, ctx, { type: 'registration', id, name: 'Nothing Like Anything' }, { createIfNone: false }),
    );
    const second = await inTransaction(ctx, (trx) =>
      matchAccount(trx, ctx, { type: 'registration', id, name: 'Initech', domain: 'initech.com' }, { createIfNone: false }),
    );
    expect(second).toMatchObject({ accountId: registered, method: 'domain', score: 1 });
    expect(await count(`select count(*) as n from account_matches where subject_id = $1`, [id])).toBe(1);
    expect(await count(`select count(*) as n from audit_events where event_name = 'account.match_recorded' and entity_id = $1`, [id])).toBe(
      2,
    );
  });
});

describe('POST /api/v1/accounts/match (preview)', () => {
  const snapshot = async () =>
    (
      await rows<{ n: string }>(
        `select (select count(*) from account_matches) || '/' || (select count(*) from accounts) || '/' || (select count(*) from audit_events) || '/' || (select count(*) from outbox_events) as n`,
      )
    )[0]!.n;

  it('shows the match and its evidence, and writes nothing', async () => {
    const before = await snapshot();
    const res = await post('/api/v1/accounts/match', { name: 'INITECH, Inc.', postalCode: ' 78701 ' }, opsUser, {
      'idempotency-key': randomUUID(),
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ accountId: registered, method: 'name', wouldCreateAccount: false, wouldNeedReview: false });
    expect(body.evidence.subject.normalizedName).toBe('initech');
    expect(body.evidence.candidates[0]).toMatchObject({
      accountId: registered,
      agreed: ['postalCode'],
      verdict: 'name',
      hasActiveRegistration: true,
    });
    const near = await post('/api/v1/accounts/match', { name: 'Globex Corp', country: 'Kenya' });
    expect(near.json()).toMatchObject({
      accountId: null,
      method: 'none',
      nearMatchId: partnerOwned,
      wouldCreateAccount: true,
      wouldNeedReview: true,
    });
    expect(await snapshot()).toBe(before);
  });

  it('bad input is a 400 naming the field, nothing written', async () => {
    const before = await snapshot();
    for (const [payload, field] of [
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: 'x', email: 'not-an-email' }, 'email'],
      [{ name: 'x', ownerId: randomUUID() }, 'ownerId'],
      [{ name: 'x'.repeat(301) }, 'name'],
    ] as const) {
      const res = await post('/api/v1/accounts/match', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body).toContain(field);
    }
    expect(await snapshot()).toBe(before);
  });

  it('partners may not preview', async () => {
    const partnerUser = await t.userWithToken('partner_user');
    expect((await post('/api/v1/accounts/match', { name: 'Initech' }, partnerUser)).statusCode).toBe(403);
  });
});
