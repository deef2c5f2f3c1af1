import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asPartner } from '../../src/platform/db/partner-scope.js';
import { closeRegistration } from '../../src/channel/use-cases/close-registration.js';
import { logRegistrationActivity } from '../../src/channel/use-cases/log-registration-activity.js';
import { resubmitRegistration } from '../../src/channel/use-cases/resubmit-registration.js';
import { submitRegistration } from '../../src/channel/use-cases/submit-registration.js';
import { type ChannelWorld, channelWorld, registrationBody } from './world.js';

let w: ChannelWorld;
let cm: Record<string, string>;

beforeAll(async () => {
  w = await channelWorld();
  cm = w.cm.headers;
});
afterAll(() => w.close());

const post = (url: string, headers: Record<string, string>, payload: unknown = {}) => w.inject('POST', url, headers, payload);
const get = (url: string, headers: Record<string, string> = cm) => w.inject('GET', url, headers);
let domainSeq = 0;
const letters = (k: number) => Array.from({ length: k }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
const uniqueDomain = () => `customer-${++domainSeq}-${letters(6)}.example`;
/** A customer no other test's customer resembles (by domain or by name). */
const customer = () => ({ customerName: `${letters(7)} ${letters(5)}`, customerDomain: uniqueDomain() });

describe('registration lifecycle over HTTP', () => {
  it('submit (idempotent) → return → resubmit → approve (If-Match) → activity renews → won, with audit, routing and notices', async () => {
    const p = await w.partner();
    const domain = uniqueDomain();
    const body = registrationBody({ partnerId: p.id, ...customer(), customerDomain: domain, reference: 'DEAL-1' });
    const headers = { ...cm, 'idempotency-key': 'submit-1' };
    const first = await post('/api/v1/registrations', headers, body);
    expect(first.statusCode, first.body).toBe(201);
    const reg = first.json();
    expect(reg).toMatchObject({ status: 'under_review', partnerId: p.id, flags: [], ownerId: w.cm.id, version: 1 });
    const replay = await post('/api/v1/registrations', headers, body);
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().id).toBe(reg.id);
    expect(await w.db.selectFrom('registrations').select('id').where('partner_id', '=', p.id).execute()).toHaveLength(1);

    // routed to the channel manager with the review SLA; the account was created from the registration
    const assignment = await w.db
      .selectFrom('assignments')
      .selectAll()
      .where('record_type', '=', 'registration')
      .where('record_id', '=', reg.id)
      .where('closed_at', 'is', null)
      .executeTakeFirstOrThrow();
    expect(assignment.owner_id).toBe(w.cm.id);
    const account = await w.db.selectFrom('accounts').selectAll().where('id', '=', reg.accountId).executeTakeFirstOrThrow();
    expect(account.domain).toBe(domain);

    const detail = await get(`/api/v1/registrations/${reg.id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({
      partnerName: expect.any(String),
      match: { accountId: reg.accountId },
      duplicates: [],
      dueAt: assignment.due_at.toISOString(),
    });
    expect(detail.json().timeline.map((e: { event: string }) => e.event)).toEqual([
      'account.match_recorded',
      'registration.submitted',
      'assignment.created',
      'registration.review_started',
    ]);

    // return for information
    expect((await post(`/api/v1/registrations/${reg.id}/return`, cm, { infoRequest: 'Which site is this for?' })).statusCode).toBe(428);
    const returned = await post(
      `/api/v1/registrations/${reg.id}/return`,
      { ...cm, 'if-match': first.headers.etag as string },
      { infoRequest: 'Which site is this for?' },
    );
    expect(returned.statusCode).toBe(200);
    expect(returned.json()).toMatchObject({ status: 'returned', infoRequest: 'Which site is this for?', version: 2 });
    expect(
      await w.db.selectFrom('assignments').select('id').where('record_id', '=', reg.id).where('closed_at', 'is', null).execute(),
    ).toHaveLength(0);

    // the partner answers (portal use case, behind the partner wall)
    const resubmitted = await resubmitRegistration(p.ctx, {
      registrationId: reg.id,
      expectedVersion: 2,
      input: { description: 'Site: Springfield DC' },
    });
    expect(resubmitted).toMatchObject({ status: 'under_review', description: 'Site: Springfield DC', infoRequest: null, version: 3 });
    expect(
      await w.db.selectFrom('assignments').select('owner_id').where('record_id', '=', reg.id).where('closed_at', 'is', null).execute(),
    ).toEqual([{ owner_id: w.cm.id }]);

    // approve: stale ETag → 412; current → approved with the window
    expect((await post(`/api/v1/registrations/${reg.id}/approve`, { ...cm, 'if-match': '"v2"' }, {})).statusCode).toBe(412);
    const approved = await post(
      `/api/v1/registrations/${reg.id}/approve`,
      { ...cm, 'if-match': '"v3"' },
      { internalNote: 'known customer' },
    );
    expect(approved.statusCode).toBe(200);
    const now = w.clock.now();
    const day = 86_400_000;
    expect(approved.json()).toMatchObject({
      status: 'approved',
      approvedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + 90 * day).toISOString(),
      exclusivityCapAt: new Date(now.getTime() + 365 * day).toISOString(),
      warnAt: new Date(now.getTime() + 76 * day).toISOString(),
      internalNotes: 'known customer',
    });
    expect(
      await w.db.selectFrom('assignments').select('id').where('record_id', '=', reg.id).where('closed_at', 'is', null).execute(),
    ).toHaveLength(0);

    // activity 30 days later renews the window
    w.clock.advance(30 * day);
    const act = await post(`/api/v1/registrations/${reg.id}/activities`, cm, { kind: 'meeting', subject: 'Site survey' });
    expect(act.statusCode).toBe(201);
    expect(act.json().registration.expiresAt).toBe(new Date(now.getTime() + 120 * day).toISOString());
    expect(act.json().partnerId).toBeNull();

    const won = await post(`/api/v1/registrations/${reg.id}/close`, { ...cm, 'if-match': act.headers.etag as string }, { outcome: 'won' });
    expect(won.statusCode).toBe(200);
    expect(won.json()).toMatchObject({ status: 'won', closedAt: w.clock.now().toISOString() });
    // closing again is a state conflict
    expect(
      (await post(`/api/v1/registrations/${reg.id}/close`, { ...cm, 'if-match': won.headers.etag as string }, { outcome: 'lost' }))
        .statusCode,
    ).toBe(409);

    const events = await w.db.selectFrom('audit_events').select('event_name').where('entity_id', '=', reg.id).orderBy('seq').execute();
    expect(events.map((e) => e.event_name)).toEqual([
      'account.match_recorded',
      'registration.submitted',
      'assignment.created',
      'registration.review_started',
      'assignment.closed',
      'registration.returned',
      'registration.resubmitted',
      'assignment.created',
      'registration.review_started',
      'assignment.closed',
      'registration.approved',
      'registration.activity_logged',
      'registration.won',
    ]);
    const notices = await w.db
      .selectFrom('partner_notices')
      .select(['kind', 'body'])
      .where('registration_id', '=', reg.id)
      .orderBy('created_at')
      .execute();
    expect(notices.map((n) => n.kind)).toEqual(['info_requested', 'decision']);

    const list = await get(`/api/v1/registrations?partnerId=${p.id}&status=won`);
    expect(list.json().items.map((r: { id: string }) => r.id)).toEqual([reg.id]);
  });

  it('reject keeps the code and note internal and gives the partner the generated sentence', async () => {
    const p = await w.partner();
    const reg = (await post('/api/v1/registrations', cm, registrationBody({ partnerId: p.id, ...customer() }))).json();
    const bad = await post(
      `/api/v1/registrations/${reg.id}/reject`,
      { ...cm, 'if-match': '"v1"' },
      { decisionCode: 'because', internalNote: 'x' },
    );
    expect(bad.statusCode).toBe(400);
    const rejected = await post(
      `/api/v1/registrations/${reg.id}/reject`,
      { ...cm, 'if-match': '"v1"' },
      { decisionCode: 'not_qualified', internalNote: 'tiny deal, not a fit' },
    );
    expect(rejected.statusCode).toBe(200);
    expect(rejected.json()).toMatchObject({
      status: 'rejected',
      decisionCode: 'not_qualified',
      decisionReason: 'Does not meet the programme criteria.',
      internalNotes: 'tiny deal, not a fit',
    });
    const seen = await w.db
      .transaction()
      .execute((trx) =>
        asPartner(trx, p.id, (t) =>
          t.selectFrom('registrations').select(['status', 'decision_reason']).where('id', '=', reg.id).executeTakeFirst(),
        ),
      );
    expect(seen).toEqual({ status: 'rejected', decision_reason: 'Does not meet the programme criteria.' });
  });

  it('partner actors: own partner only, partnerId not writable, withdraw, activities carry the partner', async () => {
    const p = await w.partner();
    const other = await w.partner();
    await expect(submitRegistration(p.ctx, registrationBody({ partnerId: other.id, ...customer() }))).rejects.toMatchObject({
      code: 'validation_failed',
      errors: [{ path: 'partnerId' }],
    });
    const reg = await submitRegistration(p.ctx, registrationBody({ ...customer() }));
    expect(reg).toMatchObject({ partnerId: p.id, status: 'under_review', submittedBy: p.user.id });
    // another partner's id looks missing
    await expect(logRegistrationActivity(other.ctx, reg.id, { kind: 'call', subject: 'hi' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      closeRegistration(other.ctx, { registrationId: reg.id, expectedVersion: 1, input: { outcome: 'withdrawn' } }),
    ).rejects.toMatchObject({ code: 'not_found' });
    // partners cannot record won/lost
    await expect(closeRegistration(p.ctx, { registrationId: reg.id, expectedVersion: 1, input: { outcome: 'won' } })).rejects.toMatchObject(
      { code: 'forbidden' },
    );
    const activity = await logRegistrationActivity(p.ctx, reg.id, { kind: 'call', subject: 'Discovery call' });
    expect(activity.partnerId).toBe(p.id);
    const stored = await w.db
      .selectFrom('activities')
      .select(['partner_id', 'actor_id'])
      .where('id', '=', activity.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ partner_id: p.id, actor_id: p.user.id });
    const withdrawn = await closeRegistration(p.ctx, {
      registrationId: reg.id,
      expectedVersion: activity.registration.version,
      input: { outcome: 'withdrawn' },
    });
    expect(withdrawn).toMatchObject({ status: 'withdrawn' });
    expect(
      await w.db.selectFrom('assignments').select('id').where('record_id', '=', reg.id).where('closed_at', 'is', null).execute(),
    ).toHaveLength(0);
  });

  it('a partner logging activity on an approved registration renews the window (computed by Baton, not written by the partner)', async () => {
    const p = await w.partner();
    const reg = await submitRegistration(p.ctx, registrationBody(customer()));
    const approvedRes = await post(`/api/v1/registrations/${reg.id}/approve`, { ...cm, 'if-match': '"v1"' }, {});
    expect(approvedRes.statusCode).toBe(200);
    const before = approvedRes.json();
    w.clock.advance(10 * 86_400_000);
    const activity = await logRegistrationActivity(p.ctx, reg.id, {
      kind: 'email',
      subject: 'Sent the quote',
      occurredAt: '2020-01-01T00:00:00Z',
    });
    expect(activity.partnerId).toBe(p.id);
    expect(new Date(activity.registration.expiresAt!).getTime()).toBe(new Date(before.expiresAt).getTime() + 10 * 86_400_000);
    expect(activity.registration.lastActivityAt).toBe(w.clock.now().toISOString());
  });

  it('a resubmission that changes the customer matches again and re-runs the conflict checks', async () => {
    const p = await w.partner();
    const rival = await w.partner();
    const taken = customer();
    await submitRegistration(rival.ctx, registrationBody(taken));
    const reg = await submitRegistration(p.ctx, registrationBody(customer()));
    expect(reg.flags).toEqual([]);
    const returned = await post(
      `/api/v1/registrations/${reg.id}/return`,
      { ...cm, 'if-match': '"v1"' },
      { infoRequest: 'Is this the right customer?' },
    );
    const again = await resubmitRegistration(p.ctx, {
      registrationId: reg.id,
      expectedVersion: returned.json().version,
      input: { customerDomain: taken.customerDomain },
    });
    expect(again.accountId).not.toBe(reg.accountId);
    expect(again.flags.map((f) => f.code)).toEqual(['other_partner_registration']);
    expect(await w.db.selectFrom('account_matches').select('account_id').where('subject_id', '=', reg.id).execute()).toEqual([
      { account_id: again.accountId },
    ]);
    expect(await w.db.selectFrom('conflict_cases').select('kind').where('registration_id', '=', reg.id).execute()).toEqual([
      { kind: 'registration_overlap' },
    ]);
  });

  it('registration cap per tier: over the cap → 409, counting only active registrations', async () => {
    const p = await w.partner({ cap: 1 });
    const first = await submitRegistration(p.ctx, registrationBody({ ...customer() }));
    const before = await w.counts();
    await expect(submitRegistration(p.ctx, registrationBody({ ...customer() }))).rejects.toMatchObject({
      code: 'conflict',
      message: 'Registration cap reached for your tier',
    });
    expect(await w.counts()).toEqual(before);
    await closeRegistration(p.ctx, { registrationId: first.id, expectedVersion: first.version, input: { outcome: 'withdrawn' } });
    await expect(submitRegistration(p.ctx, registrationBody({ ...customer() }))).resolves.toMatchObject({ status: 'under_review' });
  });
});

describe('one approved registration per account and product line', () => {
  it('under concurrent approvals exactly one wins, every time', async () => {
    for (let round = 0; round < 5; round++) {
      const a = await w.partner();
      const b = await w.partner();
      const domain = uniqueDomain();
      const ra = (
        await post('/api/v1/registrations', cm, registrationBody({ partnerId: a.id, ...customer(), customerDomain: domain }))
      ).json();
      const rb = (
        await post('/api/v1/registrations', cm, registrationBody({ partnerId: b.id, ...customer(), customerDomain: domain }))
      ).json();
      expect(rb.accountId).toBe(ra.accountId);
      expect(rb.flags.map((f: { code: string }) => f.code)).toEqual(['other_partner_registration']);
      // a flagged registration needs an explicit override
      expect((await post(`/api/v1/registrations/${rb.id}/approve`, { ...cm, 'if-match': '"v1"' }, {})).statusCode).toBe(422);
      expect(
        (await post(`/api/v1/registrations/${rb.id}/approve`, { ...cm, 'if-match': '"v1"' }, { overrideFlags: true })).statusCode,
      ).toBe(400);
      const results = await Promise.all([
        post(`/api/v1/registrations/${ra.id}/approve`, { ...cm, 'if-match': '"v1"' }, {}),
        post(
          `/api/v1/registrations/${rb.id}/approve`,
          { ...cm, 'if-match': '"v1"' },
          { overrideFlags: true, reason: 'partner B has the relationship' },
        ),
      ]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      const approved = await w.db
        .selectFrom('registrations')
        .select('id')
        .where('account_id', '=', ra.accountId)
        .where('status', '=', 'approved')
        .execute();
      expect(approved).toHaveLength(1);
      const approvals = await w.db
        .selectFrom('audit_events')
        .select('entity_id')
        .where('event_name', '=', 'registration.approved')
        .where('entity_id', 'in', [ra.id, rb.id])
        .execute();
      expect(approvals).toHaveLength(1);
    }
  });

  it('a different product line on the same account is not a duplicate', async () => {
    const a = await w.partner();
    const domain = uniqueDomain();
    const r1 = (
      await post('/api/v1/registrations', cm, registrationBody({ partnerId: a.id, ...customer(), customerDomain: domain }))
    ).json();
    const r2 = (
      await post(
        '/api/v1/registrations',
        cm,
        registrationBody({ partnerId: a.id, ...customer(), customerDomain: domain, productLine: 'storage' }),
      )
    ).json();
    expect((await post(`/api/v1/registrations/${r1.id}/approve`, { ...cm, 'if-match': '"v1"' }, {})).statusCode).toBe(200);
    expect((await post(`/api/v1/registrations/${r2.id}/approve`, { ...cm, 'if-match': '"v1"' }, {})).statusCode).toBe(200);
  });
});

describe('conflict rules at submission', () => {
  it.each([
    ['other_partner_registration', 'registration_overlap'],
    ['direct_opportunity', 'partner_registration_on_direct_account'],
    ['direct_only', 'partner_registration_on_direct_account'],
    ['other_partner_account', 'registration_overlap'],
  ] as const)(
    '%s is flagged, opens a %s case, and the partner is told exactly what it is told for every other reason',
    async (code, kind) => {
      const p = await w.partner();
      const rival = await w.partner();
      const domain = uniqueDomain();
      const accountId = await w.account({
        name: `Conflicted ${code}`,
        domain,
        directOnly: code === 'direct_only',
        channelPartnerId: code === 'other_partner_account' ? rival.id : null,
      });
      if (code === 'other_partner_registration')
        await submitRegistration(rival.ctx, registrationBody({ ...customer(), customerDomain: domain, customerName: 'Someone' }));
      if (code === 'direct_opportunity') {
        const now = w.clock.now();
        await w.db
          .insertInto('opportunities')
          .values({
            name: 'Direct deal',
            account_id: accountId,
            stage: 'Proposal',
            stage_changed_at: now,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
      const reg = await submitRegistration(
        p.ctx,
        registrationBody({ ...customer(), customerDomain: domain, customerName: 'Same customer' }),
      );
      expect(reg.accountId).toBe(accountId);
      expect(reg.flags.map((f) => f.code)).toEqual([code]);
      const cases = await w.db
        .selectFrom('conflict_cases')
        .select(['kind', 'partner_id', 'owner_id'])
        .where('registration_id', '=', reg.id)
        .execute();
      expect(cases).toEqual([{ kind, partner_id: p.id, owner_id: w.cm.id }]);

      // What the partner can see of it, before and after the decision, is the same for every reason.
      const partnerView = () =>
        w.db.transaction().execute((trx) =>
          asPartner(trx, p.id, async (t) => ({
            registration: await t
              .selectFrom('registrations')
              .select(['status', 'decision_reason', 'info_request', 'version'])
              .where('id', '=', reg.id)
              .executeTakeFirstOrThrow(),
            notices: await t
              .selectFrom('partner_notices')
              .select(['kind', 'title', 'body'])
              .where('registration_id', '=', reg.id)
              .execute(),
          })),
        );
      expect(await partnerView()).toEqual({
        registration: { status: 'under_review', decision_reason: null, info_request: null, version: 1 },
        notices: [],
      });
      const rejected = await post(
        `/api/v1/registrations/${reg.id}/reject`,
        { ...cm, 'if-match': '"v1"' },
        { decisionCode: 'not_available', internalNote: `conflict: ${code}` },
      );
      expect(rejected.statusCode).toBe(200);
      expect(await partnerView()).toEqual({
        registration: { status: 'rejected', decision_reason: 'Not available for registration.', info_request: null, version: 2 },
        notices: [
          {
            kind: 'decision',
            title: 'Registration not available: Same customer'.replace('not available', 'not approved'),
            body: 'Not available for registration.',
          },
        ],
      });
    },
  );

  it('the detail shows duplicates side by side and near-match accounts', async () => {
    const a = await w.partner();
    const b = await w.partner();
    const domain = uniqueDomain();
    const first = await submitRegistration(a.ctx, registrationBody({ ...customer(), customerDomain: domain }));
    const second = await submitRegistration(b.ctx, registrationBody({ ...customer(), customerDomain: domain }));
    const detail = (await get(`/api/v1/registrations/${second.id}`)).json();
    expect(detail.duplicates.map((d: { id: string; partnerId: string }) => [d.id, d.partnerId])).toEqual([[first.id, a.id]]);
    expect(detail.flags.map((f: { code: string }) => f.code)).toEqual(['other_partner_registration']);
    expect(detail.conflictCases).toHaveLength(1);

    await w.account({ name: 'Initech Systems International', domain: null, country: 'DE' });
    const near = await submitRegistration(
      a.ctx,
      registrationBody({ customerName: 'Initech Systems Intl', customerDomain: null, customerCountry: 'FR' }),
    );
    const nearDetail = (await get(`/api/v1/registrations/${near.id}`)).json();
    expect(nearDetail.match.nearMatchId).not.toBeNull();
    expect(nearDetail.nearMatches.map((m: { account: { name: string } }) => m.account.name)).toEqual(['Initech Systems International']);
    expect(nearDetail.account.needsReview).toBe(true);

    const flaggedRes = await get(`/api/v1/registrations?flagged=true&partnerId=${b.id}`);
    expect(flaggedRes.statusCode, flaggedRes.body).toBe(200);
    const flagged = flaggedRes.json();
    expect(flagged.items.map((r: { id: string }) => r.id)).toEqual([second.id]);
    const clean = (await get(`/api/v1/registrations?flagged=false&partnerId=${b.id}`)).json();
    expect(clean.items).toEqual([]);
  });
});

describe('bad input → 400 naming the field, nothing written', () => {
  it.each([
    ['unknown product line', { productLine: 'toasters' }, 'productLine'],
    ['close date in the past', { expectedCloseDate: '2026-03-01' }, 'expectedCloseDate'],
    ['not a date', { expectedCloseDate: 'soon' }, 'expectedCloseDate'],
    ['huge amount', { amountMinor: 100_000_000_001 }, 'amountMinor'],
    ['zero amount', { amountMinor: 0 }, 'amountMinor'],
    ['fractional amount', { amountMinor: 10.5 }, 'amountMinor'],
    ['missing customer identity', { customerDomain: null, customerCountry: null }, 'customerDomain'],
    ['missing customer name', { customerName: '' }, 'customerName'],
    ['unknown field', { ownerId: '00000000-0000-4000-8000-000000000000' }, ''],
    ['status is not writable', { status: 'approved' }, ''],
    ['missing partner', { partnerId: undefined }, 'partnerId'],
    ['unknown partner', { partnerId: '00000000-0000-4000-8000-000000000000' }, 'partnerId'],
  ])('%s', async (_name, change, field) => {
    const p = await w.partner();
    const before = await w.counts();
    const res = await post('/api/v1/registrations', cm, { ...registrationBody({ partnerId: p.id, ...customer() }), ...change });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = res.json();
    const paths = (problem.errors ?? []).map((e: { path: string }) => e.path);
    if (field) expect(paths).toContain(field);
    else expect(JSON.stringify(problem)).toMatch(/ownerId|status|unrecognized|Unrecognized/);
    expect(await w.counts()).toEqual(before);
  });
});
