import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type MatchCandidate,
  type MatchIdentity,
  agreedFields,
  decideMatch,
  evidenceDomain,
  isFreeMailDomain,
  normalizeDomain,
  normalizePostalCode,
  phonesAgree,
} from '../../src/routing/core/account-matching.js';
import { guardNote, registeredAccountOf } from '../../src/routing/core/inbound-guard.js';

const THRESHOLDS = { nameMatchThreshold: 0.55, nearMatchThreshold: 0.35 };
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const candidate = (n: number, over: Partial<MatchCandidate> = {}): MatchCandidate => ({
  id: id(n),
  name: `Account ${n}`,
  normalizedName: `account ${n}`,
  similarity: 0.9,
  domain: null,
  country: null,
  region: null,
  postalCode: null,
  phone: null,
  hasChannelOwner: false,
  hasActiveRegistration: false,
  createdAt: new Date(Date.UTC(2020, 0, 1)),
  ...over,
});

describe('free-mail domains are never evidence', () => {
  it.each([
    ['gmail.com', true],
    ['googlemail.com', true],
    ['yahoo.com', true],
    ['yahoo.co.uk', true],
    ['outlook.com', true],
    ['hotmail.com', true],
    ['hotmail.fr', true],
    ['icloud.com', true],
    ['aol.com', true],
    ['proton.me', true],
    ['protonmail.com', true],
    ['gmx.de', true],
    ['gmx.net', true],
    ['gmx.co.uk', true],
    ['web.de', true],
    ['acme.com', false],
    ['gmxtools.com', false],
    ['live.acme.com', false],
    ['outlook.acme-corp.com', false],
    ['yahooligans-fanclub.org', false],
  ])('%s → free mail %s', (domain, free) => {
    expect(isFreeMailDomain(domain)).toBe(free);
  });

  it.each<[string, Pick<MatchIdentity, 'domain' | 'email'>, string | null, string[]]>([
    ['own domain', { domain: 'acme.com' }, 'acme.com', []],
    ['e-mail domain when no domain', { email: 'ann@Acme.COM' }, 'acme.com', []],
    ['domain wins over e-mail', { domain: 'acme.com', email: 'ann@other.com' }, 'acme.com', []],
    ['free-mail e-mail is ignored', { email: 'ann@gmail.com' }, null, ['gmail.com']],
    ['free-mail domain falls back to a company e-mail', { domain: 'gmail.com', email: 'ann@acme.com' }, 'acme.com', ['gmail.com']],
    ['URL-ish domain is cleaned', { domain: 'https://www.Acme.com/contact' }, 'acme.com', []],
    ['not a domain at all', { domain: 'n/a' }, null, ['n/a']],
  ])('%s', (_label, identity, expected, ignored) => {
    const result = evidenceDomain(identity);
    expect(result.domain).toBe(expected);
    expect(result.ignored.map((i) => i.value)).toEqual(ignored);
  });

  it('normalizes domains', () => {
    expect(normalizeDomain('WWW.Example.COM.')).toBe('example.com');
    expect(normalizeDomain('example.com:443')).toBe('example.com');
    expect(normalizeDomain('')).toBeNull();
    expect(normalizeDomain('localhost')).toBeNull();
  });
});

describe('supporting fields', () => {
  it.each<[string, string | null, string | null, boolean]>([
    ['same digits, different punctuation', '+1 (555) 010-2233', '1.555.010.2233', true],
    ['country code prefix', '+44 20 7946 0958', '020 7946 0958', true],
    ['different numbers', '555 010 2233', '555 010 2234', false],
    ['too short to identify', '12-34', '1234', false],
    ['missing on one side', null, '555 010 2233', false],
    ['a long suffix is not a country code', '99999 555 010 2233', '555 010 2233', false],
  ])('phones: %s', (_label, a, b, agree) => {
    expect(phonesAgree(a, b)).toBe(agree);
    expect(phonesAgree(b, a)).toBe(agree);
  });

  it.each<[string | null, string | null]>([
    ['sw1a 1aa', 'SW1A1AA'],
    ['10115', ' 10115 '],
    ['12345-6789', '12345 6789'],
  ])('postal code %s = %s', (a, b) => {
    expect(normalizePostalCode(a)).toBe(normalizePostalCode(b));
  });

  it.each<[string, MatchIdentity, Partial<MatchCandidate>, string[]]>([
    ['country case-insensitive', { name: 'x', country: 'united states' }, { country: 'United States' }, ['country']],
    ['country punctuation-insensitive', { name: 'x', country: 'U.S.' }, { country: 'us' }, ['country']],
    ['region', { name: 'x', region: 'EMEA' }, { region: 'emea' }, ['region']],
    ['postal code', { name: 'x', postalCode: 'sw1a 1aa' }, { postalCode: 'SW1A1AA' }, ['postalCode']],
    ['phone', { name: 'x', phone: '+1 555 010 2233' }, { phone: '(555) 010-2233' }, ['phone']],
    [
      'all four',
      { name: 'x', country: 'DE', region: 'EMEA', postalCode: '10115', phone: '030 1234567' },
      { country: 'de', region: 'Emea', postalCode: '10115', phone: '+49 30 1234567' },
      ['country', 'region', 'postalCode', 'phone'],
    ],
    ['nulls never agree', { name: 'x', country: null }, { country: null }, []],
    ['empty strings never agree', { name: 'x', country: '  ' }, { country: '' }, []],
    ['disagreement', { name: 'x', country: 'France' }, { country: 'Germany' }, []],
  ])('%s', (_label, identity, over, expected) => {
    expect(agreedFields(identity, candidate(1, over))).toEqual(expected);
  });
});

describe('the match decision', () => {
  type Case = {
    label: string;
    identity: MatchIdentity;
    candidates: MatchCandidate[];
    method: 'domain' | 'name' | 'none';
    accountId: number | null;
    nearMatchId: number | null;
    score: number;
  };
  const us = { country: 'United States' };
  const cases: Case[] = [
    {
      label: 'no candidates → none, score 0',
      identity: { name: 'Acme' },
      candidates: [],
      method: 'none',
      accountId: null,
      nearMatchId: null,
      score: 0,
    },
    {
      label: 'exact domain → domain, score 1, even with a dissimilar name and no supporting field',
      identity: { name: 'Totally Different', domain: 'acme.com' },
      candidates: [candidate(1, { domain: 'acme.com', similarity: 0.05 })],
      method: 'domain',
      accountId: 1,
      nearMatchId: null,
      score: 1,
    },
    {
      label: 'domain beats a better name match',
      identity: { name: 'Acme', domain: 'acme.com', ...us },
      candidates: [candidate(1, { similarity: 1, ...us }), candidate(2, { domain: 'acme.com', similarity: 0.4 })],
      method: 'domain',
      accountId: 2,
      nearMatchId: null,
      score: 1,
    },
    {
      label: 'free-mail e-mail never matches an account registered with that domain',
      identity: { name: 'Someone', email: 'someone@gmail.com' },
      candidates: [candidate(1, { domain: 'gmail.com', similarity: 0.1 })],
      method: 'none',
      accountId: null,
      nearMatchId: null,
      score: 0,
    },
    {
      label: 'name ≥ threshold plus one supporting field → name',
      identity: { name: 'Acme Inc', ...us },
      candidates: [candidate(1, { similarity: 0.8, ...us })],
      method: 'name',
      accountId: 1,
      nearMatchId: null,
      score: 0.8,
    },
    {
      label: 'name exactly at the threshold counts',
      identity: { name: 'Acme', postalCode: '10115' },
      candidates: [candidate(1, { similarity: 0.55, postalCode: '10115' })],
      method: 'name',
      accountId: 1,
      nearMatchId: null,
      score: 0.55,
    },
    {
      label: 'similar name without any supporting field → near match only',
      identity: { name: 'Acme', country: 'France' },
      candidates: [candidate(1, { similarity: 0.95, ...us })],
      method: 'none',
      accountId: null,
      nearMatchId: 1,
      score: 0.95,
    },
    {
      label: 'below the name threshold, above near → near match',
      identity: { name: 'Acme', ...us },
      candidates: [candidate(1, { similarity: 0.4, ...us })],
      method: 'none',
      accountId: null,
      nearMatchId: 1,
      score: 0.4,
    },
    {
      label: 'below the near threshold → nothing',
      identity: { name: 'Acme', ...us },
      candidates: [candidate(1, { similarity: 0.3, ...us })],
      method: 'none',
      accountId: null,
      nearMatchId: null,
      score: 0,
    },
    {
      label: 'tie-breaker 1: higher score',
      identity: { name: 'Acme', ...us },
      candidates: [candidate(1, { similarity: 0.7, ...us }), candidate(2, { similarity: 0.9, ...us })],
      method: 'name',
      accountId: 2,
      nearMatchId: null,
      score: 0.9,
    },
    {
      label: 'tie-breaker 2: more supporting fields',
      identity: { name: 'Acme', ...us, postalCode: '10001' },
      candidates: [candidate(1, { similarity: 0.9, ...us }), candidate(2, { similarity: 0.9, ...us, postalCode: '10001' })],
      method: 'name',
      accountId: 2,
      nearMatchId: null,
      score: 0.9,
    },
    {
      label: 'tie-breaker 3: has a channel owner',
      identity: { name: 'Acme', ...us },
      candidates: [candidate(1, { similarity: 0.9, ...us }), candidate(2, { similarity: 0.9, ...us, hasChannelOwner: true })],
      method: 'name',
      accountId: 2,
      nearMatchId: null,
      score: 0.9,
    },
    {
      label: 'tie-breaker 3: or an active registration',
      identity: { name: 'Acme', ...us },
      candidates: [candidate(1, { similarity: 0.9, ...us }), candidate(2, { similarity: 0.9, ...us, hasActiveRegistration: true })],
      method: 'name',
      accountId: 2,
      nearMatchId: null,
      score: 0.9,
    },
    {
      label: 'tie-breaker 4: older account',
      identity: { name: 'Acme', ...us },
      candidates: [
        candidate(1, { similarity: 0.9, ...us, createdAt: new Date(Date.UTC(2022, 0, 1)) }),
        candidate(2, { similarity: 0.9, ...us, createdAt: new Date(Date.UTC(2019, 0, 1)) }),
      ],
      method: 'name',
      accountId: 2,
      nearMatchId: null,
      score: 0.9,
    },
    {
      label: 'tie-breaker 5: lower id',
      identity: { name: 'Acme', ...us },
      candidates: [candidate(7, { similarity: 0.9, ...us }), candidate(3, { similarity: 0.9, ...us })],
      method: 'name',
      accountId: 3,
      nearMatchId: null,
      score: 0.9,
    },
    {
      label: 'earlier tie-breakers outrank later ones: score beats channel owner and age',
      identity: { name: 'Acme', ...us },
      candidates: [
        candidate(1, { similarity: 0.8, ...us, hasChannelOwner: true, createdAt: new Date(Date.UTC(2000, 0, 1)) }),
        candidate(2, { similarity: 0.81, ...us }),
      ],
      method: 'name',
      accountId: 2,
      nearMatchId: null,
      score: 0.81,
    },
    {
      label: 'two accounts sharing a domain: tie-breakers pick (supporting fields)',
      identity: { name: 'Acme', domain: 'acme.com', postalCode: '10001' },
      candidates: [candidate(1, { domain: 'acme.com' }), candidate(2, { domain: 'acme.com', postalCode: '10001' })],
      method: 'domain',
      accountId: 2,
      nearMatchId: null,
      score: 1,
    },
    {
      label: 'a supported name match beats an unsupported better-scoring one',
      identity: { name: 'Acme', ...us },
      candidates: [candidate(1, { similarity: 1, country: 'Kenya' }), candidate(2, { similarity: 0.6, ...us })],
      method: 'name',
      accountId: 2,
      nearMatchId: null,
      score: 0.6,
    },
    {
      label: 'near match picks the best by the tie-breakers',
      identity: { name: 'Acme' },
      candidates: [candidate(1, { similarity: 0.45 }), candidate(2, { similarity: 0.5 }), candidate(3, { similarity: 0.2 })],
      method: 'none',
      accountId: null,
      nearMatchId: 2,
      score: 0.5,
    },
  ];

  it.each(cases)('$label', ({ identity, candidates, method, accountId, nearMatchId, score }) => {
    const decision = decideMatch(identity, candidates, THRESHOLDS, 'normalised');
    expect(decision.method).toBe(method);
    expect(decision.accountId).toBe(accountId === null ? null : id(accountId));
    expect(decision.nearMatchId).toBe(nearMatchId === null ? null : id(nearMatchId));
    expect(decision.score).toBeCloseTo(score, 6);
    // The evidence lists every candidate considered, with its score and the fields that agreed.
    expect(decision.evidence.candidates.map((c) => c.accountId).sort()).toEqual(candidates.map((c) => c.id).sort());
    for (const c of decision.evidence.candidates) {
      expect(c.score).toBeGreaterThanOrEqual(0);
      expect(Array.isArray(c.agreed)).toBe(true);
    }
    expect(decision.evidence.chosenId).toBe(decision.accountId);
    expect(decision.evidence.nearMatchId).toBe(decision.nearMatchId);
    if (decision.accountId) expect(decision.evidence.candidates[0]!.accountId).toBe(decision.accountId);
  });

  it('records the subject, thresholds, tie-breakers and each candidate verdict', () => {
    const decision = decideMatch(
      { name: 'Acme Inc.', email: 'a@gmail.com', country: 'US' },
      [
        candidate(1, { similarity: 0.9, country: 'us' }),
        candidate(2, { similarity: 0.9 }),
        candidate(3, { similarity: 0.4 }),
        candidate(4, { similarity: 0.1 }),
      ],
      THRESHOLDS,
      'acme',
    );
    expect(decision.evidence.subject).toMatchObject({
      name: 'Acme Inc.',
      normalizedName: 'acme',
      domain: null,
      ignoredDomains: [{ value: 'gmail.com', why: 'free_mail' }],
    });
    expect(decision.evidence.thresholds).toEqual(THRESHOLDS);
    expect(decision.evidence.tieBreakers[0]).toBe('higher score');
    expect(Object.fromEntries(decision.evidence.candidates.map((c) => [c.accountId, [c.verdict, c.agreed]]))).toEqual({
      [id(1)]: ['name', ['country']],
      [id(2)]: ['name_without_support', []],
      [id(3)]: ['near', []],
      [id(4)]: ['below_threshold', []],
    });
  });

  it('the chosen account is the same whatever order the candidates arrive in (property)', () => {
    const arbCandidate = fc.record({
      n: fc.integer({ min: 1, max: 30 }),
      similarity: fc.constantFrom(0.2, 0.4, 0.55, 0.7, 0.9, 1),
      domain: fc.constantFrom(null, 'acme.com', 'other.com'),
      country: fc.constantFrom(null, 'US', 'DE'),
      postalCode: fc.constantFrom(null, '10001'),
      hasChannelOwner: fc.boolean(),
      year: fc.integer({ min: 2000, max: 2003 }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(arbCandidate, { selector: (c) => c.n, maxLength: 8 }), fc.boolean(), (raw, withDomain) => {
        const cands = raw.map((c) =>
          candidate(c.n, {
            similarity: c.similarity,
            domain: c.domain,
            country: c.country,
            postalCode: c.postalCode,
            hasChannelOwner: c.hasChannelOwner,
            createdAt: new Date(Date.UTC(c.year, 0, 1)),
          }),
        );
        const identity: MatchIdentity = { name: 'Acme', domain: withDomain ? 'acme.com' : null, country: 'US', postalCode: '10001' };
        const a = decideMatch(identity, cands, THRESHOLDS);
        const b = decideMatch(identity, [...cands].reverse(), THRESHOLDS);
        expect(b.accountId).toBe(a.accountId);
        expect(b.nearMatchId).toBe(a.nearMatchId);
        expect(b.evidence.candidates.map((c) => c.accountId)).toEqual(a.evidence.candidates.map((c) => c.accountId));
        // Invariants: a name match always has a supporting field and reaches the threshold; a domain match scores 1.
        const chosen = a.evidence.candidates.find((c) => c.accountId === a.accountId);
        if (a.method === 'name') expect(chosen!.agreed.length > 0 && chosen!.similarity >= 0.55).toBe(true);
        if (a.method === 'domain') expect(chosen!.domainMatch && a.score === 1).toBe(true);
        if (a.method === 'none') expect(a.accountId).toBeNull();
      }),
    );
  });
});

describe('the inbound guard (pure part)', () => {
  const account = {
    id: id(1),
    channelPartnerId: null as string | null,
    activeRegistrations: [] as Array<{ partnerId: string; productLine: string }>,
  };
  it.each<[string, Record<string, unknown>, { partnerId: string; basis: string } | null]>([
    ['no account', { productLine: 'GTX' }, null],
    ['clean account', { account }, null],
    ['channel partner', { account: { ...account, channelPartnerId: 'p-owner' } }, { partnerId: 'p-owner', basis: 'channel_partner' }],
    [
      'channel partner outranks a registration',
      {
        account: { ...account, channelPartnerId: 'p-owner', activeRegistrations: [{ partnerId: 'p-reg', productLine: 'GTX' }] },
        productLine: 'GTX',
      },
      { partnerId: 'p-owner', basis: 'channel_partner' },
    ],
    [
      'registration for the lead’s product line',
      {
        account: {
          ...account,
          activeRegistrations: [
            { partnerId: 'p-a', productLine: 'MG' },
            { partnerId: 'p-b', productLine: 'GTX' },
          ],
        },
        productLine: 'GTX',
      },
      { partnerId: 'p-b', basis: 'approved_registration' },
    ],
    [
      'else the oldest approved registration',
      {
        account: {
          ...account,
          activeRegistrations: [
            { partnerId: 'p-a', productLine: 'MG' },
            { partnerId: 'p-b', productLine: 'GTX' },
          ],
        },
        productLine: null,
      },
      { partnerId: 'p-a', basis: 'approved_registration' },
    ],
  ])('%s', (_label, facts, expected) => {
    const result = registeredAccountOf(facts);
    if (expected === null) expect(result).toBeNull();
    else expect(result).toMatchObject(expected);
  });

  it('notes whether it placed the lead', () => {
    const registered = { accountId: id(1), partnerId: 'p', basis: 'channel_partner' as const };
    expect(guardNote(registered, 'cm')).toMatchObject({ applied: true, channelManagerId: 'cm' });
    expect(guardNote(registered, null)).toMatchObject({ applied: false, channelManagerId: null });
    expect(guardNote(registered, null).note).toMatch(/no active channel manager/);
  });
});
