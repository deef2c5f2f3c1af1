import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, createTestApp } from '../support/test-app.js';
import { type PortalWorld, makePortalWorld, sentinelsIn } from './portal-world.js';

/**
 * "Not available for registration" says nothing more: the partner's submit answer is the same whether the
 * customer is clean, direct-only, another partner's, in another partner's registration or in a direct
 * opportunity; the rejection reads the same whatever the internal reason; notices carry no internal text.
 */
let t: TestApp;
let w: PortalWorld;
const P = '/api/partner/v1';
type Case = { reason: string; accountDomain: string };
const cases: Case[] = [];
beforeAll(async () => {
  t = await createTestApp();
  w = await makePortalWorld(t);
  const db = t.database.db;
  const now = new Date();
  const account = async (name: string, values: Record<string, unknown> = {}) => {
    const domain = `${name.toLowerCase().replace(/[^a-z0-9]/g, '')}-${w.tag}.example`;
    const { id } = await db
      .insertInto('accounts')
      .values({ name, domain, region: 'EMEA', country: 'DE', created_at: now, updated_at: now, owner_id: w.rep.id, ...values })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id, domain };
  };
  const clean = await account('Clean Customer');
  const directOnly = await account('Direct Only Customer', { direct_only: true });
  const otherPartners = await account('Other Partner Owned', { channel_partner_id: w.partnerB });
  const otherReg = await account('Other Partner Registered');
  await db
    .insertInto('registrations')
    .values({
      partner_id: w.partnerB,
      customer_name: 'Other Partner Registered',
      account_id: otherReg.id,
      product_line: w.productLine,
      amount_minor: 1000,
      expected_close_date: '2027-06-01',
      status: 'under_review',
      created_at: now,
      updated_at: now,
    })
    .execute();
  const directOpp = await account('Direct Opportunity Customer');
  await db
    .insertInto('opportunities')
    .values({
      name: 'Direct deal',
      account_id: directOpp.id,
      stage: 'qualify',
      stage_changed_at: now,
      created_at: now,
      updated_at: now,
      owner_id: w.rep.id,
    } as never)
    .execute();
  cases.push(
    { reason: 'clean', accountDomain: clean.domain },
    { reason: 'direct_only', accountDomain: directOnly.domain },
    { reason: 'other_partner_account', accountDomain: otherPartners.domain },
    { reason: 'other_partner_registration', accountDomain: otherReg.domain },
    { reason: 'direct_opportunity', accountDomain: directOpp.domain },
  );
});
afterAll(() => t.close());

const submitBody = (domain: string) => ({
  customerName: 'Same Customer Name',
  customerDomain: domain,
  customerCountry: 'DE',
  productLine: w.productLine,
  amountMinor: 500_000,
  expectedCloseDate: new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10),
});
/** A partner body without what is the partner's own input or per-row identity. */
const comparable = (body: Record<string, unknown>) => {
  const { id: _id, createdAt: _c, customerDomain: _d, lastActivityAt: _l, ...rest } = body;
  return rest;
};

describe('every reason for "not available" answers the same', () => {
  const submitted: Array<{ reason: string; id: string; status: number; body: Record<string, unknown>; ms: number }> = [];

  it('submit: same status and body whatever the flags', async () => {
    for (const c of cases) {
      const started = performance.now();
      const res = await t.app.inject({
        method: 'POST',
        url: `${P}/registrations`,
        headers: { ...w.userA1.headers, 'idempotency-key': randomBytes(8).toString('hex') },
        payload: submitBody(c.accountDomain),
      });
      submitted.push({ reason: c.reason, id: res.json().id, status: res.statusCode, body: res.json(), ms: performance.now() - started });
      expect(res.statusCode, res.body).toBe(201);
      expect(sentinelsIn(w, res.body)).toEqual([]);
    }
    // the wall really was hit: every case but the clean one is flagged internally
    const flags = await t.database.db
      .selectFrom('registrations')
      .select(['id', 'flags'])
      .where(
        'id',
        'in',
        submitted.map((s) => s.id),
      )
      .execute();
    const flaggedCodes = Object.fromEntries(
      submitted.map((s) => [s.reason, (flags.find((f) => f.id === s.id)!.flags as Array<{ code: string }>).map((f) => f.code)]),
    );
    expect(flaggedCodes.clean).toEqual([]);
    for (const reason of ['direct_only', 'other_partner_account', 'other_partner_registration', 'direct_opportunity'])
      expect(flaggedCodes[reason], reason).toContain(reason);
    expect(new Set(submitted.map((s) => JSON.stringify(comparable(s.body)))).size).toBe(1);
    expect(submitted.every((s) => s.body.status === 'under_review' && s.body.decisionReason === null)).toBe(true);
    console.info(`submit latency per reason (ms): ${submitted.map((s) => `${s.reason}=${s.ms.toFixed(0)}`).join(', ')}`);
  });

  it('rejection as not available: the partner reads the same reason and the same notice, no internal note', async () => {
    for (const s of submitted.filter((x) => x.reason !== 'clean')) {
      const version = (await t.app.inject({ method: 'GET', url: `/api/v1/registrations/${s.id}`, headers: w.manager.headers })).headers
        .etag as string;
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/registrations/${s.id}/reject`,
        headers: { ...w.manager.headers, 'if-match': version },
        payload: { decisionCode: 'not_available', internalNote: `${w.sentinels[0]} because ${s.reason}` },
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    const views = [];
    for (const s of submitted.filter((x) => x.reason !== 'clean')) {
      const res = await t.app.inject({ method: 'GET', url: `${P}/registrations/${s.id}`, headers: w.userA2.headers });
      expect(sentinelsIn(w, res.body)).toEqual([]);
      expect(res.json()).toMatchObject({ status: 'rejected', decisionReason: 'Not available for registration.' });
      const { version: _v, closedAt: _c, ...rest } = comparable(res.json());
      views.push(JSON.stringify(rest));
    }
    expect(new Set(views).size).toBe(1);
    const notices = await t.app.inject({ method: 'GET', url: `${P}/notices?limit=200`, headers: w.userA1.headers });
    expect(sentinelsIn(w, notices.body)).toEqual([]);
    const decisions = (notices.json().items as Array<{ registrationId: string; title: string; body: string }>).filter((n) =>
      submitted.some((s) => s.id === n.registrationId),
    );
    expect(decisions.length).toBeGreaterThanOrEqual(4);
    expect(new Set(decisions.map((n) => `${n.title}|${n.body}`)).size).toBe(1);
  });

  it('a conflicting reference: own collision is a 409 naming only the field; the same reference at another partner succeeds', async () => {
    const body = { ...submitBody(cases[0]!.accountDomain), reference: `REF-${w.tag}-2` }; // user A1 holds it
    const own = await t.app.inject({ method: 'POST', url: `${P}/registrations`, headers: w.adminA.headers, payload: body });
    expect(own.statusCode).toBe(409);
    expect(sentinelsIn(w, own.body)).toEqual([]);
    const other = await t.app.inject({
      method: 'POST',
      url: `${P}/registrations`,
      headers: w.adminB.headers,
      payload: { ...body, reference: `REF-${w.tag}-3` },
    });
    expect(other.statusCode, other.body).toBe(201);
    // B reuses A's reference: accepted, nothing about A in the answer
    const reused = await t.app.inject({
      method: 'POST',
      url: `${P}/registrations`,
      headers: w.adminB.headers,
      payload: { ...body, reference: `REF-${w.tag}-2`, customerName: 'Reuse Co' },
    });
    expect(reused.statusCode, reused.body).toBe(201);
    expect(reused.body).not.toContain(w.partnerA);
  });
});
