import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveRegistration } from '../../src/channel/use-cases/approve-registration.js';
import { logRegistrationActivity } from '../../src/channel/use-cases/log-registration-activity.js';
import { submitRegistration } from '../../src/channel/use-cases/submit-registration.js';
import { sweepRegistrationExpiry } from '../../src/channel/use-cases/sweep-registration-expiry.js';
import { systemActor } from '../../src/platform/access/actor.js';
import type { UseCaseContext } from '../../src/platform/use-case-context.js';
import { type ChannelWorld, channelWorld, registrationBody } from './world.js';

const DAY = 86_400_000;
let w: ChannelWorld;
let sweeper: UseCaseContext;

beforeAll(async () => {
  w = await channelWorld();
  sweeper = { db: w.db, clock: w.clock, actor: systemActor('expiry sweep (test)') };
});
afterAll(() => w.close());

const letters = (k: number) => Array.from({ length: k }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
const customer = () => ({ customerName: `${letters(8)} ${letters(6)}`, customerDomain: `${letters(10)}.example` });

/** N approved registrations, all approved now, with distinct customers. */
async function approved(n: number, partnerId?: string, extra: Record<string, unknown> = {}) {
  const pid = partnerId ?? (await w.partner()).id;
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const reg = await submitRegistration(
      w.internalCtx,
      registrationBody({ partnerId: pid, ...customer(), expectedCloseDate: '2030-01-31', ...extra }),
    );
    await approveRegistration(w.internalCtx, { registrationId: reg.id, expectedVersion: reg.version, input: {} });
    ids.push(reg.id);
  }
  return { partnerId: pid, ids };
}

/** Everything an expiry or a warning writes, counted for the given registrations only. */
async function effects(ids: string[]) {
  const count = async (q: Promise<Array<unknown>>) => (await q).length;
  const decisionIds = (await w.db.selectFrom('expiry_decisions').select('id').where('registration_id', 'in', ids).execute()).map(
    (d) => d.id,
  );
  return {
    warningNotices: await count(
      w.db.selectFrom('partner_notices').select('id').where('registration_id', 'in', ids).where('kind', '=', 'expiry_warning').execute(),
    ),
    managerWarnings: await count(
      w.db
        .selectFrom('notifications')
        .select('id')
        .where('record_id', 'in', ids)
        .where('kind', '=', 'due_soon')
        .where('user_id', '=', w.cm.id)
        .execute(),
    ),
    warnedAudit: await count(
      w.db
        .selectFrom('audit_events')
        .select('seq')
        .where('entity_id', 'in', ids)
        .where('event_name', '=', 'registration.expiry_warned')
        .execute(),
    ),
    warned: await count(w.db.selectFrom('registrations').select('id').where('id', 'in', ids).where('warned_at', 'is not', null).execute()),
    expired: await count(w.db.selectFrom('registrations').select('id').where('id', 'in', ids).where('status', '=', 'expired').execute()),
    decisions: decisionIds.length,
    expiredNotices: await count(
      w.db.selectFrom('partner_notices').select('id').where('registration_id', 'in', ids).where('kind', '=', 'expired').execute(),
    ),
    expiredAudit: await count(
      w.db
        .selectFrom('audit_events')
        .select('seq')
        .where('entity_id', 'in', ids)
        .where('event_name', '=', 'registration.expired')
        .execute(),
    ),
    decisionAudit: decisionIds.length
      ? await count(
          w.db
            .selectFrom('audit_events')
            .select('seq')
            .where('entity_id', 'in', decisionIds)
            .where('event_name', '=', 'expiry_decision.opened')
            .execute(),
        )
      : 0,
    decisionAssignments: decisionIds.length
      ? await count(
          w.db
            .selectFrom('assignments')
            .select('id')
            .where('record_type', '=', 'expiry_decision')
            .where('record_id', 'in', decisionIds)
            .where('owner_id', '=', w.cm.id)
            .execute(),
        )
      : 0,
  };
}

describe('exclusivity window over time', () => {
  it('renews on every activity, resets the warning, and never passes the hard cap', async () => {
    const { ids } = await approved(1);
    const id = ids[0]!;
    const read = () => w.db.selectFrom('registrations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const start = await read();
    const cap = start.exclusivity_cap_at!.getTime();
    expect(cap).toBe(start.approved_at!.getTime() + 365 * DAY);

    // warned at day 77, then an activity renews and clears the warning
    w.clock.advance(77 * DAY);
    await sweepRegistrationExpiry(sweeper);
    expect((await read()).warned_at).not.toBeNull();
    let previous = (await read()).expires_at!.getTime();
    for (let step = 0; step < 6; step++) {
      await logRegistrationActivity(w.internalCtx, id, { kind: 'call', subject: `check-in ${step}` });
      const r = await read();
      expect(r.warned_at).toBeNull();
      expect(r.expires_at!.getTime()).toBeGreaterThanOrEqual(previous);
      expect(r.expires_at!.getTime()).toBeLessThanOrEqual(cap);
      expect(r.expires_at!.getTime()).toBe(Math.min(w.clock.now().getTime() + 90 * DAY, cap));
      expect(r.warn_at!.getTime()).toBe(r.expires_at!.getTime() - 14 * DAY);
      previous = r.expires_at!.getTime();
      w.clock.advance(60 * DAY);
      await sweepRegistrationExpiry(sweeper);
      if ((await read()).status !== 'approved') break;
    }
    // activity kept it alive until the cap, and the cap ended it
    const end = await read();
    expect(end.expires_at!.getTime()).toBe(cap);
    expect(end.status).toBe('expired');
  });
});

describe('the expiry sweep', () => {
  it('warns and expires exactly once across repeated sweeps', async () => {
    const { ids } = await approved(6);
    await sweepRegistrationExpiry(sweeper);
    expect(await effects(ids)).toMatchObject({ warningNotices: 0, expired: 0 });

    w.clock.advance(76 * DAY + 3_600_000);
    for (let i = 0; i < 3; i++) await sweepRegistrationExpiry(sweeper);
    expect(await effects(ids)).toEqual({
      warningNotices: 6,
      managerWarnings: 6,
      warnedAudit: 6,
      warned: 6,
      expired: 0,
      decisions: 0,
      expiredNotices: 0,
      expiredAudit: 0,
      decisionAudit: 0,
      decisionAssignments: 0,
    });

    w.clock.advance(14 * DAY);
    for (let i = 0; i < 3; i++) await sweepRegistrationExpiry(sweeper);
    expect(await effects(ids)).toEqual({
      warningNotices: 6,
      managerWarnings: 6,
      warnedAudit: 6,
      warned: 6,
      expired: 6,
      decisions: 6,
      expiredNotices: 6,
      expiredAudit: 6,
      decisionAudit: 6,
      decisionAssignments: 6,
    });
    const decision = await w.db.selectFrom('expiry_decisions').selectAll().where('registration_id', '=', ids[0]!).executeTakeFirstOrThrow();
    expect(decision.status).toBe('open');
    expect(decision.owner_id).toBe(w.cm.id);
  });

  it('two concurrent sweepers split the work: each registration warned and expired once', async () => {
    const { ids } = await approved(10);
    w.clock.advance(80 * DAY);
    const warned = await Promise.all([
      sweepRegistrationExpiry(sweeper, { batchSize: 3 }),
      sweepRegistrationExpiry(sweeper, { batchSize: 3 }),
    ]);
    expect(warned[0].warned + warned[1].warned).toBeGreaterThanOrEqual(10);
    w.clock.advance(11 * DAY);
    await Promise.all([
      sweepRegistrationExpiry(sweeper, { batchSize: 3 }),
      sweepRegistrationExpiry(sweeper, { batchSize: 3 }),
      sweepRegistrationExpiry(sweeper, { batchSize: 2 }),
    ]);
    expect(await effects(ids)).toEqual({
      warningNotices: 10,
      managerWarnings: 10,
      warnedAudit: 10,
      warned: 10,
      expired: 10,
      decisions: 10,
      expiredNotices: 10,
      expiredAudit: 10,
      decisionAudit: 10,
      decisionAssignments: 10,
    });
  });

  it('a sweep that crashes mid-way rolls its batch back; the next sweep finishes the job exactly once', async () => {
    // drain what earlier tests left due, so this test's batches are its own
    await sweepRegistrationExpiry(sweeper);
    const { ids } = await approved(6);
    const victim = ids[3]!;
    // A fault the sweep cannot avoid: writing the victim's "expired" notice fails inside the transaction.
    await w.t.database.superuser(`
      CREATE FUNCTION test_fail_notice() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.registration_id = '${victim}' AND NEW.kind = 'expired' THEN RAISE EXCEPTION 'injected crash'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_fail_notice BEFORE INSERT ON partner_notices FOR EACH ROW EXECUTE FUNCTION test_fail_notice();
    `);
    w.clock.advance(91 * DAY);
    await expect(sweepRegistrationExpiry(sweeper, { batchSize: 2 })).rejects.toThrow(/injected crash/);
    const partial = await effects(ids);
    // whole batches only: the victim's batch left no trace
    expect(partial.expired % 2).toBe(0);
    expect(partial.expired).toBeLessThan(6);
    expect(partial).toMatchObject({
      decisions: partial.expired,
      expiredNotices: partial.expired,
      expiredAudit: partial.expired,
      decisionAudit: partial.expired,
    });
    expect(await w.db.selectFrom('registrations').select('status').where('id', '=', victim).executeTakeFirstOrThrow()).toEqual({
      status: 'approved',
    });

    await w.t.database.superuser(`DROP TRIGGER test_fail_notice ON partner_notices; DROP FUNCTION test_fail_notice();`);
    await sweepRegistrationExpiry(sweeper, { batchSize: 2 });
    await sweepRegistrationExpiry(sweeper, { batchSize: 2 });
    expect(await effects(ids)).toMatchObject({
      expired: 6,
      decisions: 6,
      expiredNotices: 6,
      expiredAudit: 6,
      decisionAudit: 6,
      decisionAssignments: 6,
    });
  });
});

describe('expiry decisions', () => {
  const cm = () => w.cm.headers;
  const expireOne = async (partnerId?: string) => {
    const { ids, partnerId: pid } = await approved(1, partnerId);
    w.clock.advance(91 * DAY);
    await sweepRegistrationExpiry(sweeper);
    const decision = await w.db
      .selectFrom('expiry_decisions')
      .selectAll()
      .where('registration_id', '=', ids[0]!)
      .where('status', '=', 'open')
      .executeTakeFirstOrThrow();
    return { id: ids[0]!, partnerId: pid, decision };
  };
  const decide = (decisionId: string, etag: string | null, body: unknown) =>
    w.inject('POST', `/api/v1/expiry-decisions/${decisionId}/decide`, { ...cm(), ...(etag && { 'if-match': etag }) }, body);

  it('extended: approved again with a fresh window; the cap moves out; it can expire and be decided again', async () => {
    const { id, decision } = await expireOne();
    const list = await w.inject('GET', '/api/v1/expiry-decisions?status=open', cm());
    expect(list.json().items.map((d: { id: string }) => d.id)).toContain(decision.id);
    expect((await decide(decision.id, null, { decision: 'extended', reason: 'customer re-engaged' })).statusCode).toBe(428);
    expect((await decide(decision.id, '"v1"', { decision: 'extended' })).statusCode).toBe(400);
    const res = await decide(decision.id, '"v1"', { decision: 'extended', reason: 'customer re-engaged' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'decided', decision: 'extended', reason: 'customer re-engaged', decidedBy: w.cm.id });
    const reg = await w.db.selectFrom('registrations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const now = w.clock.now().getTime();
    expect(reg).toMatchObject({ status: 'approved', expiry_outcome: 'extended', closed_at: null, warned_at: null });
    expect(reg.expires_at!.getTime()).toBe(now + 90 * DAY);
    expect(reg.exclusivity_cap_at!.getTime()).toBeGreaterThanOrEqual(now + 90 * DAY);
    expect(
      await w.db.selectFrom('partner_notices').select('kind').where('registration_id', '=', id).where('kind', '=', 'extended').execute(),
    ).toHaveLength(1);
    expect(
      await w.db
        .selectFrom('assignments')
        .select('id')
        .where('record_type', '=', 'expiry_decision')
        .where('record_id', '=', decision.id)
        .where('closed_at', 'is', null)
        .execute(),
    ).toHaveLength(0);
    // deciding twice
    expect((await decide(decision.id, '"v2"', { decision: 'opened_to_direct', reason: 'again' })).statusCode).toBe(409);

    // and it can run out again: a second decision opens
    w.clock.advance(91 * DAY);
    await sweepRegistrationExpiry(sweeper);
    const decisions = await w.db
      .selectFrom('expiry_decisions')
      .select(['status'])
      .where('registration_id', '=', id)
      .orderBy('created_at')
      .execute();
    expect(decisions).toEqual([{ status: 'decided' }, { status: 'open' }]);
  });

  it('reassigned: a new approved registration for the other partner; this one stays expired', async () => {
    const { id, partnerId, decision } = await expireOne();
    const other = await w.partner();
    // the expired partner owned the account: that ownership is what is handed over, not a conflict
    const { account_id } = await w.db.selectFrom('registrations').select('account_id').where('id', '=', id).executeTakeFirstOrThrow();
    await w.db.updateTable('accounts').set({ channel_partner_id: partnerId }).where('id', '=', account_id!).execute();
    expect((await decide(decision.id, '"v1"', { decision: 'reassigned', partnerId, reason: 'same partner' })).statusCode).toBe(400);
    const res = await decide(decision.id, '"v1"', {
      decision: 'reassigned',
      partnerId: other.id,
      reason: 'the partner went quiet; B is active there',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ decision: 'reassigned', reassignedToPartner: other.id, newRegistrationId: expect.any(String) });
    const old = await w.db.selectFrom('registrations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(old).toMatchObject({ status: 'expired', expiry_outcome: 'reassigned' });
    const created = await w.db
      .selectFrom('registrations')
      .selectAll()
      .where('id', '=', res.json().newRegistrationId)
      .executeTakeFirstOrThrow();
    expect(created).toMatchObject({
      partner_id: other.id,
      status: 'approved',
      reassigned_from_id: id,
      account_id: old.account_id,
      product_line: old.product_line,
      customer_name: old.customer_name,
    });
    expect(created.expires_at!.getTime()).toBe(w.clock.now().getTime() + 90 * DAY);
    expect(
      await w.db
        .selectFrom('partner_notices')
        .select('kind')
        .where('partner_id', '=', other.id)
        .where('registration_id', '=', created.id)
        .execute(),
    ).toEqual([{ kind: 'decision' }]);
  });

  it('reassignment runs the conflict checks for the new partner', async () => {
    const { id, decision } = await expireOne();
    const reg = await w.db.selectFrom('registrations').select(['account_id']).where('id', '=', id).executeTakeFirstOrThrow();
    await w.db.updateTable('accounts').set({ direct_only: true }).where('id', '=', reg.account_id!).execute();
    const other = await w.partner();
    const before = await w.counts();
    const res = await decide(decision.id, '"v1"', { decision: 'reassigned', partnerId: other.id, reason: 'try' });
    expect(res.statusCode).toBe(409);
    expect(res.json().errors).toEqual([{ path: 'partnerId', message: 'direct_only' }]);
    expect(await w.counts()).toEqual(before);
  });

  it('opened to direct: the account loses this partner and goes through the direct account rules', async () => {
    const p = await w.partner();
    const { id, decision } = await expireOne(p.id);
    const reg = await w.db.selectFrom('registrations').select(['account_id']).where('id', '=', id).executeTakeFirstOrThrow();
    await w.db.updateTable('accounts').set({ channel_partner_id: p.id }).where('id', '=', reg.account_id!).execute();
    const res = await decide(decision.id, '"v1"', { decision: 'opened_to_direct', reason: 'no partner activity for a quarter' });
    expect(res.statusCode).toBe(200);
    const account = await w.db.selectFrom('accounts').selectAll().where('id', '=', reg.account_id!).executeTakeFirstOrThrow();
    expect(account.channel_partner_id).toBeNull();
    expect(await w.db.selectFrom('registrations').select('expiry_outcome').where('id', '=', id).executeTakeFirstOrThrow()).toEqual({
      expiry_outcome: 'opened_to_direct',
    });
    // no published account rule set in this world: routing parks the account in Unassigned with its reason
    expect(
      await w.db
        .selectFrom('unassigned_records')
        .select('reason_code')
        .where('record_type', '=', 'account')
        .where('record_id', '=', account.id)
        .execute(),
    ).toEqual([{ reason_code: 'no_ruleset' }]);
    const events = await w.db
      .selectFrom('audit_events')
      .select('event_name')
      .where('entity_id', 'in', [id, account.id, decision.id])
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.event_name)).toEqual(
      expect.arrayContaining(['account.channel_owner_set', 'registration.opened_to_direct', 'expiry_decision.decided']),
    );
  });
});
