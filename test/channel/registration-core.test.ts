import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conflictFlags, conflictKindOf, type ConflictFacts } from '../../src/channel/core/conflict-flags.js';
import { DECISION_CODES, partnerDecisionReason, partnerNotice } from '../../src/channel/core/decision-messages.js';
import { extendWindow, openWindow, renewWindow, warnAtFor } from '../../src/channel/core/exclusivity.js';
import {
  type ActorKind,
  type RegistrationAction,
  REGISTRATION_TRANSITIONS,
  allowedActions,
  transition,
} from '../../src/channel/core/registration-lifecycle.js';
import type { RegistrationStatus } from '../../src/platform/db/database.js';

const DAY = 86_400_000;
const policy = { inactivityDays: 90, hardCapDays: 365, warnDaysBefore: 14 };
const t0 = new Date('2026-01-01T00:00:00Z');
const plus = (d: Date, days: number) => new Date(d.getTime() + days * DAY);

describe('registration lifecycle', () => {
  const STATUSES: RegistrationStatus[] = [
    'submitted',
    'under_review',
    'approved',
    'rejected',
    'returned',
    'won',
    'lost',
    'expired',
    'withdrawn',
  ];
  // [status, action, actor, expected: target status | 'actor' (forbidden for that actor) | 'status' (wrong status)]
  const cases: Array<[RegistrationStatus, RegistrationAction, ActorKind, RegistrationStatus | 'actor' | 'status']> = [
    ['submitted', 'start_review', 'partner', 'under_review'],
    ['submitted', 'start_review', 'internal', 'under_review'],
    ['under_review', 'approve', 'internal', 'approved'],
    ['under_review', 'approve', 'partner', 'actor'],
    ['submitted', 'approve', 'internal', 'status'],
    ['returned', 'approve', 'internal', 'status'],
    ['approved', 'approve', 'internal', 'status'],
    ['under_review', 'reject', 'internal', 'rejected'],
    ['under_review', 'reject', 'partner', 'actor'],
    ['approved', 'reject', 'internal', 'status'],
    ['under_review', 'return', 'internal', 'returned'],
    ['under_review', 'return', 'partner', 'actor'],
    ['returned', 'resubmit', 'partner', 'under_review'],
    ['returned', 'resubmit', 'internal', 'under_review'],
    ['under_review', 'resubmit', 'partner', 'status'],
    ['rejected', 'resubmit', 'partner', 'status'],
    ['approved', 'log_activity', 'partner', 'approved'],
    ['under_review', 'log_activity', 'internal', 'under_review'],
    ['expired', 'log_activity', 'partner', 'status'],
    ['won', 'log_activity', 'internal', 'status'],
    ['approved', 'win', 'internal', 'won'],
    ['approved', 'win', 'partner', 'actor'],
    ['under_review', 'win', 'internal', 'status'],
    ['approved', 'lose', 'internal', 'lost'],
    ['approved', 'lose', 'partner', 'actor'],
    ['submitted', 'withdraw', 'partner', 'withdrawn'],
    ['under_review', 'withdraw', 'partner', 'withdrawn'],
    ['returned', 'withdraw', 'partner', 'withdrawn'],
    ['approved', 'withdraw', 'partner', 'withdrawn'],
    ['approved', 'withdraw', 'internal', 'withdrawn'],
    ['rejected', 'withdraw', 'partner', 'status'],
    ['expired', 'withdraw', 'partner', 'status'],
    ['won', 'withdraw', 'internal', 'status'],
    ['approved', 'expire', 'system', 'expired'],
    ['approved', 'expire', 'internal', 'actor'],
    ['approved', 'expire', 'partner', 'actor'],
    ['expired', 'extend', 'internal', 'approved'],
    ['expired', 'extend', 'partner', 'actor'],
    ['approved', 'extend', 'internal', 'status'],
  ];
  it.each(cases)('%s --%s by %s--> %s', (status, action, actor, expected) => {
    const verdict = transition(status, action, actor);
    if (expected === 'actor' || expected === 'status') {
      expect(verdict.ok).toBe(false);
      expect(verdict.ok ? null : verdict.why).toBe(expected);
    } else {
      expect(verdict).toEqual({ ok: true, to: expected });
    }
  });

  it('a partner can never take an internal-only action, from any status', () => {
    for (const status of STATUSES) {
      const actions = allowedActions(status, 'partner');
      expect(actions.every((a) => REGISTRATION_TRANSITIONS[a].actors.includes('partner'))).toBe(true);
      expect(actions).not.toContain('approve');
      expect(actions).not.toContain('win');
    }
  });

  it('terminal statuses allow nothing but the expiry decision', () => {
    expect(allowedActions('rejected', 'internal')).toEqual([]);
    expect(allowedActions('won', 'internal')).toEqual([]);
    expect(allowedActions('withdrawn', 'partner')).toEqual([]);
    expect(allowedActions('expired', 'internal')).toEqual(['extend']);
  });
});

describe('exclusivity window', () => {
  it.each([
    ['defaults', policy, t0, plus(t0, 90), plus(t0, 365), plus(t0, 76)],
    [
      'cap shorter than the window',
      { inactivityDays: 120, hardCapDays: 120, warnDaysBefore: 30 },
      t0,
      plus(t0, 120),
      plus(t0, 120),
      plus(t0, 90),
    ],
    ['180-day window', { inactivityDays: 180, hardCapDays: 400, warnDaysBefore: 1 }, t0, plus(t0, 180), plus(t0, 400), plus(t0, 179)],
  ])('opens on approval (%s)', (_name, p, now, expires, cap, warn) => {
    expect(openWindow(now, p)).toEqual({ lastActivityAt: now, expiresAt: expires, capAt: cap, warnAt: warn });
  });

  it.each([
    ['activity renews from the activity', 10, plus(t0, 100), plus(t0, 86)],
    ['activity near the cap is capped', 300, plus(t0, 365), plus(t0, 351)],
    ['activity after the cap keeps the cap', 400, plus(t0, 365), plus(t0, 351)],
    ['activity at approval changes nothing', 0, plus(t0, 90), plus(t0, 76)],
  ])('%s', (_name, day, expires, warn) => {
    const renewed = renewWindow(openWindow(t0, policy), plus(t0, day), policy);
    expect(renewed.expiresAt).toEqual(expires);
    expect(renewed.warnAt).toEqual(warn);
    expect(renewed.capAt).toEqual(plus(t0, 365));
  });

  it('a late-reported activity never shortens the window', () => {
    const w = renewWindow(openWindow(t0, policy), plus(t0, 50), policy);
    const late = renewWindow(w, plus(t0, 20), policy);
    expect(late.expiresAt).toEqual(w.expiresAt);
    expect(late.lastActivityAt).toEqual(w.lastActivityAt);
  });

  it.each([
    ['cap far away: cap kept', plus(t0, 365), plus(t0, 100), plus(t0, 365), plus(t0, 190)],
    ['cap reached: cap moves to now + inactivity', plus(t0, 365), plus(t0, 365), plus(t0, 455), plus(t0, 455)],
  ])('extension (%s)', (_name, cap, now, newCap, expires) => {
    const w = extendWindow({ capAt: cap }, now, policy);
    expect(w.capAt).toEqual(newCap);
    expect(w.expiresAt).toEqual(expires);
    expect(w.lastActivityAt).toEqual(now);
    expect(w.warnAt).toEqual(warnAtFor(expires, policy));
  });

  it('property: expires_at never exceeds the cap and never moves backwards on activity', () => {
    fc.assert(
      fc.property(
        fc.record({
          inactivityDays: fc.integer({ min: 90, max: 180 }),
          extra: fc.integer({ min: 0, max: 400 }),
          warnDaysBefore: fc.integer({ min: 1, max: 60 }),
        }),
        fc.array(fc.integer({ min: -30 * DAY, max: 200 * DAY }), { maxLength: 40 }),
        (p, steps) => {
          const pol = { inactivityDays: p.inactivityDays, hardCapDays: p.inactivityDays + p.extra, warnDaysBefore: p.warnDaysBefore };
          let w = openWindow(t0, pol);
          let clock = t0.getTime();
          expect(w.expiresAt.getTime()).toBeLessThanOrEqual(w.capAt.getTime());
          for (const step of steps) {
            // activities arrive in any order (negative steps are late reports)
            const at = new Date(clock + step);
            clock = Math.max(clock, at.getTime());
            const next = renewWindow(w, at, pol);
            expect(next.expiresAt.getTime()).toBeLessThanOrEqual(next.capAt.getTime());
            expect(next.expiresAt.getTime()).toBeGreaterThanOrEqual(w.expiresAt.getTime());
            expect(next.capAt).toEqual(w.capAt);
            expect(next.warnAt.getTime()).toBe(next.expiresAt.getTime() - pol.warnDaysBefore * DAY);
            w = next;
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('conflict flags', () => {
  const base: ConflictFacts = {
    partnerId: 'p1',
    account: { id: 'a1', name: 'Acme', directOnly: false, channelPartnerId: null },
    registrations: [],
    opportunities: [],
  };
  it.each<[string, Partial<ConflictFacts>, string[], string | null]>([
    ['clean', {}, [], null],
    ['own other registration is not a conflict', { registrations: [{ id: 'r0', partnerId: 'p1', status: 'approved' }] }, [], null],
    [
      'another partner under review',
      { registrations: [{ id: 'r2', partnerId: 'p2', status: 'under_review' }] },
      ['other_partner_registration'],
      'registration_overlap',
    ],
    [
      'another partner submitted',
      { registrations: [{ id: 'r2', partnerId: 'p2', status: 'submitted' }] },
      ['other_partner_registration'],
      'registration_overlap',
    ],
    [
      'another partner approved',
      { registrations: [{ id: 'r2', partnerId: 'p2', status: 'approved' }] },
      ['other_partner_registration'],
      'registration_overlap',
    ],
    ['another partner rejected does not count', { registrations: [{ id: 'r2', partnerId: 'p2', status: 'rejected' }] }, [], null],
    [
      'open direct opportunity',
      { opportunities: [{ id: 'o1', partnerId: null, status: 'open' }] },
      ['direct_opportunity'],
      'partner_registration_on_direct_account',
    ],
    ['won direct opportunity does not count', { opportunities: [{ id: 'o1', partnerId: null, status: 'won' }] }, [], null],
    ['partner opportunity does not count', { opportunities: [{ id: 'o1', partnerId: 'p1', status: 'open' }] }, [], null],
    ['direct-only account', { account: { ...base.account, directOnly: true } }, ['direct_only'], 'partner_registration_on_direct_account'],
    [
      'another partner owns the account',
      { account: { ...base.account, channelPartnerId: 'p2' } },
      ['other_partner_account'],
      'registration_overlap',
    ],
    ['own account', { account: { ...base.account, channelPartnerId: 'p1' } }, [], null],
    [
      'everything at once',
      {
        account: { ...base.account, directOnly: true, channelPartnerId: 'p2' },
        registrations: [{ id: 'r2', partnerId: 'p2', status: 'approved' }],
        opportunities: [{ id: 'o1', partnerId: null, status: 'open' }],
      },
      ['other_partner_registration', 'direct_opportunity', 'direct_only', 'other_partner_account'],
      'partner_registration_on_direct_account',
    ],
  ])('%s', (_name, facts, codes, kind) => {
    const flags = conflictFlags({ ...base, ...facts });
    expect(flags.map((f) => f.code)).toEqual(codes);
    expect(conflictKindOf(flags)).toBe(kind);
    for (const f of flags) expect(f.detail.length).toBeGreaterThan(0);
  });
});

describe('what the partner is told', () => {
  it.each([
    ['not_available', 'Not available for registration.'],
    ['incomplete', 'Incomplete information.'],
    ['not_qualified', 'Does not meet the programme criteria.'],
  ] as const)('%s → %s', (code, text) => {
    expect(partnerDecisionReason(code)).toBe(text);
    expect(partnerNotice({ kind: 'rejected', customerName: 'Acme', code }).body).toBe(text);
  });

  it('every decision code has a message', () => {
    for (const code of DECISION_CODES) expect(partnerDecisionReason(code)).toMatch(/\.$/);
  });

  it('notices carry only partner-visible facts', () => {
    expect(partnerNotice({ kind: 'approved', customerName: 'Acme', expiresAt: plus(t0, 90) })).toEqual({
      kind: 'decision',
      title: 'Registration approved: Acme',
      body: 'Approved. Exclusivity runs until 2026-04-01 and renews with every logged activity.',
    });
    expect(partnerNotice({ kind: 'expiry_warning', customerName: 'Acme', expiresAt: plus(t0, 90) }).kind).toBe('expiry_warning');
    expect(partnerNotice({ kind: 'returned', customerName: 'Acme', infoRequest: 'Which site?' })).toMatchObject({
      kind: 'info_requested',
      body: 'Which site?',
    });
    expect(partnerNotice({ kind: 'expired', customerName: 'Acme' }).kind).toBe('expired');
    expect(partnerNotice({ kind: 'extended', customerName: 'Acme', expiresAt: plus(t0, 90) }).kind).toBe('extended');
  });
});
