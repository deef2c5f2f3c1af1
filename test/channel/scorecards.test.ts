import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartner } from '../../src/channel/use-cases/create-partner.js';
import { getChannelPolicy } from '../../src/channel/use-cases/get-channel-policy.js';
import { updateChannelPolicy } from '../../src/channel/use-cases/update-channel-policy.js';
import type { RegistrationStatus } from '../../src/platform/db/database.js';
import { type TestApp, createTestApp } from '../support/test-app.js';

let t: TestApp;
let cm: Awaited<ReturnType<TestApp['userWithToken']>>;
let rep: Awaited<ReturnType<TestApp['userWithToken']>>;
const ids: Record<'alpha' | 'beta' | 'gamma' | 'delta', string> = { alpha: '', beta: '', gamma: '', delta: '' };
const D = (day: string) => new Date(`${day}T00:00:00Z`);

type Reg = {
  status: RegistrationStatus;
  created: string;
  approved?: string;
  closed?: string;
  expires?: string;
  updated?: string;
  amount?: number;
};
async function reg(partnerId: string, r: Reg) {
  const created = D(r.created);
  await t.database.db
    .insertInto('registrations')
    .values({
      partner_id: partnerId,
      customer_name: 'History customer',
      product_line: 'compute',
      amount_minor: r.amount ?? 100_000,
      expected_close_date: '2026-12-31',
      status: r.status,
      approved_at: r.approved ? D(r.approved) : null,
      expires_at: r.approved ? (r.expires ? D(r.expires) : D('2027-01-01')) : null,
      exclusivity_cap_at: r.approved ? D('2027-06-01') : null,
      closed_at: r.closed ? D(r.closed) : null,
      created_at: created,
      updated_at: r.updated ? D(r.updated) : created,
    })
    .execute();
}
async function opp(partnerId: string, status: 'won' | 'lost', closed: string, registrationId: string | null = null) {
  await t.database.db
    .insertInto('opportunities')
    .values({
      name: 'Partner-sourced deal',
      stage: status === 'won' ? 'Won' : 'Lost',
      status,
      stage_changed_at: D(closed),
      partner_id: partnerId,
      registration_id: registrationId,
      created_at: D('2025-09-01'),
      updated_at: D(closed),
    })
    .execute();
}

beforeAll(async () => {
  t = await createTestApp();
  cm = await t.userWithToken('channel_manager');
  rep = await t.userWithToken('sales_rep');
  await t.database.db.insertInto('product_lines').values({ code: 'compute', name: 'Compute', description: null }).execute();
  ids.alpha = (await createPartner(t.system, { name: 'Alpha Distribution', tier: 'gold', territory: ['EMEA'] })).id;
  ids.beta = (await createPartner(t.system, { name: 'Beta Partners', tier: 'silver', territory: ['EMEA', 'APAC'] })).id;
  ids.gamma = (await createPartner(t.system, { name: 'Gamma Resellers', territory: ['APAC'] })).id;
  ids.delta = (await createPartner(t.system, { name: '=Delta Distribution', territory: ['NA'] })).id;

  // Alpha: the worked example (period 2026-01-01 .. 2026-04-01)
  await reg(ids.alpha, { status: 'approved', created: '2026-01-05', approved: '2026-01-10' }); // a: live at `to`
  await reg(ids.alpha, { status: 'won', created: '2025-11-21', approved: '2025-12-01', closed: '2026-02-01', amount: 1_000_000 }); // b: 72 days
  await reg(ids.alpha, { status: 'won', created: '2026-01-10', approved: '2026-01-15', closed: '2026-03-01', amount: 3_000_000 }); // c: 50 days
  await reg(ids.alpha, { status: 'lost', created: '2026-01-30', approved: '2026-02-01', closed: '2026-03-11', amount: 500_000 }); // d: 40 days
  await reg(ids.alpha, { status: 'rejected', created: '2026-02-10', updated: '2026-02-15' }); // e
  await reg(ids.alpha, { status: 'expired', created: '2026-01-18', approved: '2026-01-20', expires: '2026-03-20' }); // f
  await reg(ids.alpha, { status: 'rejected', created: '2025-12-10', updated: '2025-12-20' }); // g: decided before the period
  await reg(ids.alpha, { status: 'approved', created: '2025-09-20', approved: '2025-10-01' }); // h: live at `to`
  await reg(ids.alpha, { status: 'won', created: '2026-02-15', approved: '2026-02-20', closed: '2026-04-05', amount: 9_000_000 }); // i: closes after `to`
  await reg(ids.alpha, { status: 'submitted', created: '2026-03-01' }); // never approved
  await opp(ids.alpha, 'won', '2026-02-10');
  await opp(ids.alpha, 'lost', '2026-03-05');
  await opp(ids.alpha, 'lost', '2026-03-06');
  await opp(ids.alpha, 'won', '2025-12-01'); // outside the period
  const registered = await t.database.db
    .selectFrom('registrations')
    .select('id')
    .where('partner_id', '=', ids.alpha)
    .where('status', '=', 'won')
    .limit(1)
    .executeTakeFirstOrThrow();
  await opp(ids.alpha, 'won', '2026-02-11', registered.id); // registered: not an unregistered deal

  // Beta: two wins, 31 and 29 days
  await reg(ids.beta, { status: 'won', created: '2026-01-15', approved: '2026-01-20', closed: '2026-02-15', amount: 1_000_000 });
  await reg(ids.beta, { status: 'won', created: '2026-02-14', approved: '2026-02-20', closed: '2026-03-15', amount: 2_000_000 });

  // Gamma: four live registrations and a loss — a paper partner once the policy asks for 3 active
  for (const day of ['05', '06', '07', '08'])
    await reg(ids.gamma, { status: 'approved', created: '2026-01-01', approved: `2026-01-${day}` });
  await reg(ids.gamma, { status: 'lost', created: '2026-01-01', approved: '2026-01-02', closed: '2026-02-28', amount: 700_000 });

  // Delta: alone in its territory
  await reg(ids.delta, { status: 'won', created: '2026-01-01', approved: '2026-01-02', closed: '2026-01-31', amount: 9_000_000 });

  // straight through the use case: the HTTP path of the policy is partners.test.ts's
  const policy = await getChannelPolicy(t.system);
  await updateChannelPolicy(t.system, { expectedVersion: policy.version, changes: { paperMinActive: 3, reason: 'scorecard test' } });
});
afterAll(() => t.close());

const get = (url: string, headers = cm.headers) => t.app.inject({ method: 'GET', url, headers });
const PERIOD = 'from=2026-01-01&to=2026-04-01';

describe('scorecards', () => {
  it('computes every partner’s numbers for the period, exactly', async () => {
    const res = await get(`/api/v1/scorecards?${PERIOD}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-04-01T00:00:00.000Z',
      policy: { paperMinActive: 3, paperMaxWinRate: 0.15, paperWindowDays: 180 },
    });
    const by = Object.fromEntries(body.items.map((s: { partnerId: string }) => [s.partnerId, s]));
    expect(by[ids.alpha]).toEqual({
      partnerId: ids.alpha,
      partnerName: 'Alpha Distribution',
      tier: 'gold',
      territory: ['EMEA'],
      activeRegistrations: 3,
      approved: 5,
      rejected: 1,
      approvalRate: 5 / 6,
      wonRegistered: 2,
      lostRegistered: 1,
      winRateRegistered: 2 / 3,
      wonUnregistered: 1,
      lostUnregistered: 2,
      winRateUnregistered: 1 / 3,
      averageDealSizeMinor: 2_000_000,
      territoryPeerMedianMinor: 1_500_000,
      territoryPeers: 1,
      medianRegistrationToCloseDays: 50,
      expired: 1,
      closed: 4,
      expiredShare: 0.25,
      paper: {
        flagged: false,
        activeRegistrations: 3,
        minActive: 3,
        trailingWon: 2,
        trailingLost: 1,
        trailingWinRate: 2 / 3,
        maxWinRate: 0.15,
        windowDays: 180,
      },
    });
    expect(by[ids.beta]).toMatchObject({
      approvalRate: 1,
      winRateRegistered: 1,
      averageDealSizeMinor: 1_500_000,
      territoryPeerMedianMinor: 2_000_000,
      territoryPeers: 1,
      medianRegistrationToCloseDays: 30,
      activeRegistrations: 0,
    });
    expect(by[ids.gamma]).toMatchObject({
      activeRegistrations: 4,
      approved: 5,
      winRateRegistered: 0,
      averageDealSizeMinor: null,
      territoryPeerMedianMinor: 1_500_000,
      expiredShare: 0,
      paper: { flagged: true, trailingWon: 0, trailingLost: 1, trailingWinRate: 0 },
    });
    expect(by[ids.delta]).toMatchObject({
      averageDealSizeMinor: 9_000_000,
      territoryPeerMedianMinor: null,
      territoryPeers: 0,
      medianRegistrationToCloseDays: 30,
    });
    expect(
      body.items.filter((s: { paper: { flagged: boolean } }) => s.paper.flagged).map((s: { partnerId: string }) => s.partnerId),
    ).toEqual([ids.gamma]);
  });

  it('gives one partner with a monthly series over the last 12 months', async () => {
    const res = await get(`/api/v1/scorecards/${ids.alpha}?${PERIOD}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.scorecard).toMatchObject({ partnerId: ids.alpha, approvalRate: 5 / 6 });
    expect(body.series.map((m: { month: string }) => m.month)).toEqual([
      '2025-04',
      '2025-05',
      '2025-06',
      '2025-07',
      '2025-08',
      '2025-09',
      '2025-10',
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
    ]);
    const month = (m: string) => body.series.find((s: { month: string }) => s.month === m);
    expect(month('2025-10')).toMatchObject({ approved: 1, activeRegistrations: 1, approvalRate: 1 });
    expect(month('2025-12')).toMatchObject({ approved: 1, rejected: 1, approvalRate: 0.5, activeRegistrations: 2 });
    expect(month('2026-01')).toMatchObject({
      approved: 3,
      rejected: 0,
      approvalRate: 1,
      wonRegistered: 0,
      activeRegistrations: 5,
      closed: 0,
      expiredShare: null,
    });
    expect(month('2026-02')).toMatchObject({
      approved: 2,
      rejected: 1,
      approvalRate: 2 / 3,
      wonRegistered: 1,
      averageDealSizeMinor: 1_000_000,
      wonUnregistered: 1,
      winRateUnregistered: 1,
    });
    expect(month('2026-03')).toMatchObject({
      wonRegistered: 1,
      lostRegistered: 1,
      expired: 1,
      closed: 3,
      expiredShare: 1 / 3,
      winRateRegistered: 0.5,
      lostUnregistered: 2,
      medianRegistrationToCloseDays: 45,
    });
    expect(month('2025-05')).toMatchObject({ approved: 0, approvalRate: null, activeRegistrations: 0, winRateRegistered: null });
  });

  it('exports CSV with formula-looking cells neutralised', async () => {
    const res = await get(`/api/v1/scorecards/csv?${PERIOD}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const rows = parse(res.body) as string[][];
    expect(rows[0]!.slice(0, 5)).toEqual(['partner_id', 'partner', 'tier', 'territory', 'active_registrations']);
    const delta = rows.find((r) => r[0] === ids.delta)!;
    expect(delta[1]).toBe("'=Delta Distribution");
    const alpha = rows.find((r) => r[0] === ids.alpha)!;
    const col = (name: string) => rows[0]!.indexOf(name);
    expect([alpha[col('approval_rate')], alpha[col('average_deal_size_minor')], alpha[col('paper_partner')]]).toEqual([
      String(5 / 6),
      '2000000',
      'no',
    ]);
    expect(rows.find((r) => r[0] === ids.gamma)![col('paper_partner')]).toBe('yes');
    expect(rows).toHaveLength(5);
  });

  it.each([
    ['from after to', 'from=2026-04-01&to=2026-01-01', 'from'],
    ['from equal to to', 'from=2026-04-01&to=2026-04-01', 'from'],
    ['not a date', 'from=yesterday&to=2026-01-01', 'from'],
    ['an unknown parameter', `${PERIOD}&partner=all`, ''],
    ['a period over three years', 'from=2020-01-01&to=2026-01-01', 'from'],
  ])('refuses %s with a 400', async (_label, query, field) => {
    const res = await get(`/api/v1/scorecards?${query}`);
    expect(res.statusCode).toBe(400);
    if (field) expect(JSON.stringify(res.json().errors)).toContain(field);
  });

  it('answers 404 for an unknown partner and 403 to roles without scorecards', async () => {
    expect((await get(`/api/v1/scorecards/0b8e6c2a-1d3f-4a5b-9c7d-8e9f0a1b2c3d?${PERIOD}`)).statusCode).toBe(404);
    expect((await get(`/api/v1/scorecards?${PERIOD}`, rep.headers)).statusCode).toBe(403);
  });
});
