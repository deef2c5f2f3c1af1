/**
 * Which account an inbound lead or a partner's registration belongs to. Pure: the store finds the candidates
 * (exact domain, and pg_trgm similarity of the normalised names, computed by the database's own
 * `baton_normalize_name`), this decides among them and writes down why.
 *
 * 1. Exact domain (the subject's domain, else its e-mail's domain; free-mail domains never count) → score 1.
 * 2. Else name similarity ≥ the name threshold AND at least one supporting field equal (country, region,
 *    postal code, phone digits) → method `name`, score = similarity.
 * 3. Else no match; the best candidate at or above the near-match threshold is the near match (the caller
 *    creates a new account flagged for review).
 * Several candidates at one level are ordered by: higher score, more supporting fields, has a channel owner or
 * an active registration, older account, id.
 */

export type SupportingField = 'country' | 'region' | 'postalCode' | 'phone';
export const SUPPORTING_FIELDS: readonly SupportingField[] = ['country', 'region', 'postalCode', 'phone'];

export type MatchIdentity = {
  name: string;
  domain?: string | null;
  email?: string | null;
  country?: string | null;
  region?: string | null;
  postalCode?: string | null;
  phone?: string | null;
};

export type MatchCandidate = {
  id: string;
  name: string;
  normalizedName: string;
  /** pg_trgm similarity of the normalised names, 0..1. */
  similarity: number;
  domain: string | null;
  country: string | null;
  region: string | null;
  postalCode: string | null;
  phone: string | null;
  hasChannelOwner: boolean;
  hasActiveRegistration: boolean;
  createdAt: Date;
};

export type MatchThresholds = { nameMatchThreshold: number; nearMatchThreshold: number };

export type MatchMethod = 'domain' | 'name' | 'none';

export type CandidateEvidence = {
  accountId: string;
  name: string;
  normalizedName: string;
  similarity: number;
  domainMatch: boolean;
  /** 1 for a domain match, else the similarity. */
  score: number;
  agreed: SupportingField[];
  /** What this candidate qualified as: a domain match, a name match, a near match, or nothing. */
  verdict: 'domain' | 'name' | 'near' | 'name_without_support' | 'below_threshold';
  hasChannelOwner: boolean;
  hasActiveRegistration: boolean;
  createdAt: string;
};

export type MatchEvidence = {
  subject: {
    name: string;
    normalizedName: string | null;
    domain: string | null;
    ignoredDomains: Array<{ value: string; why: 'free_mail' | 'invalid' }>;
    country: string | null;
    region: string | null;
    postalCode: string | null;
    phone: string | null;
  };
  thresholds: MatchThresholds;
  /** Every candidate considered, best first (the order the tie-breakers put them in). */
  candidates: CandidateEvidence[];
  tieBreakers: string[];
  chosenId: string | null;
  nearMatchId: string | null;
  summary: string;
};

export type MatchDecision = {
  method: MatchMethod;
  score: number;
  accountId: string | null;
  nearMatchId: string | null;
  evidence: MatchEvidence;
};

export const TIE_BREAKERS = [
  'higher score',
  'more supporting fields',
  'has a channel owner or an active registration',
  'older account',
  'lower id',
];

// ---- free mail --------------------------------------------------------------------------------------------

const FREE_MAIL = new Set([
  'gmail.com',
  'googlemail.com',
  'ymail.com',
  'rocketmail.com',
  'msn.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'protonmail.ch',
  'pm.me',
  'web.de',
  'mail.com',
  'email.com',
  'zoho.com',
  'zohomail.com',
  'qq.com',
  '163.com',
  '126.com',
  'mail.ru',
  'inbox.ru',
  'tutanota.com',
  'tuta.io',
  'fastmail.com',
  'hey.com',
  'naver.com',
  'rediffmail.com',
  'libero.it',
  'orange.fr',
  'free.fr',
  'laposte.net',
  't-online.de',
  'seznam.cz',
  'wp.pl',
  'o2.pl',
]);
/** Providers that register their name under many country domains: gmx.de, yahoo.co.uk, hotmail.fr, … */
const FREE_MAIL_FAMILIES = new Set(['gmx', 'yahoo', 'hotmail', 'outlook', 'live', 'yandex', 'aol', 'aim', 'gmail']);

/** A mailbox provider's domain: never evidence of which company someone works for. */
export function isFreeMailDomain(domain: string): boolean {
  const d = domain.toLowerCase();
  if (FREE_MAIL.has(d)) return true;
  const [first, ...rest] = d.split('.');
  // "gmx.de", "yahoo.co.uk", "hotmail.com.br": the family name followed only by a (possibly two-part) public suffix.
  return (
    FREE_MAIL_FAMILIES.has(first!) && rest.length >= 1 && rest.length <= 2 && rest.every((label) => label.length >= 2 && label.length <= 3)
  );
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z]{2,63}$/;

/** Lower case, no scheme, path, port, trailing dot or leading "www."; null when it is not a domain at all. */
export function normalizeDomain(raw: string | null | undefined): string | null {
  if (!raw) return null;
  let d = raw.trim().toLowerCase();
  d = d
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '')
    .replace(/\.$/, '');
  if (d.startsWith('www.')) d = d.slice(4);
  return DOMAIN.test(d) ? d : null;
}

/** The domain that may serve as evidence: the subject's own domain, else its e-mail's; free mail never. */
export function evidenceDomain(identity: Pick<MatchIdentity, 'domain' | 'email'>): {
  domain: string | null;
  ignored: MatchEvidence['subject']['ignoredDomains'];
} {
  const ignored: MatchEvidence['subject']['ignoredDomains'] = [];
  const fromEmail = identity.email?.includes('@') ? identity.email.slice(identity.email.lastIndexOf('@') + 1) : null;
  for (const raw of [identity.domain, fromEmail]) {
    if (!raw || !raw.trim()) continue;
    const d = normalizeDomain(raw);
    if (!d) ignored.push({ value: raw.trim().toLowerCase(), why: 'invalid' });
    else if (isFreeMailDomain(d)) ignored.push({ value: d, why: 'free_mail' });
    else return { domain: d, ignored };
  }
  return { domain: null, ignored };
}

// ---- supporting fields ------------------------------------------------------------------------------------

/** Country and region: case, punctuation and spacing never decide ("U.S." = "us"). */
export const normalizeText = (v: string | null | undefined): string | null => {
  const t = (v ?? '')
    .toLowerCase()
    .replace(/\./g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return t === '' ? null : t;
};

/** Postal codes: case, spaces and hyphens never decide ("sw1a 1aa" = "SW1A1AA"). */
export const normalizePostalCode = (v: string | null | undefined): string | null => {
  const t = (v ?? '').toUpperCase().replace(/[\s-]+/g, '');
  return t === '' ? null : t;
};

/** Phones: digits only, leading zeros (trunk prefix) dropped; too short to identify anyone → null. */
export const phoneDigits = (v: string | null | undefined): string | null => {
  const digits = (v ?? '').replace(/\D+/g, '').replace(/^0+/, '');
  return digits.length >= 7 ? digits : null;
};

/**
 * Two phone numbers agree when their digits are equal, or one is the other with a country code in front
 * ("+44 20 7946 0958" and "020 7946 0958"); both have at least 7 significant digits.
 */
export function phonesAgree(a: string | null | undefined, b: string | null | undefined): boolean {
  const x = phoneDigits(a);
  const y = phoneDigits(b);
  if (!x || !y) return false;
  if (x === y) return true;
  const [short, long] = x.length < y.length ? [x, y] : [y, x];
  return long.endsWith(short) && long.length - short.length <= 3;
}

export function agreedFields(identity: MatchIdentity, candidate: Pick<MatchCandidate, SupportingField>): SupportingField[] {
  const agreed: SupportingField[] = [];
  const same = (a: string | null, b: string | null) => a !== null && a === b;
  if (same(normalizeText(identity.country), normalizeText(candidate.country))) agreed.push('country');
  if (same(normalizeText(identity.region), normalizeText(candidate.region))) agreed.push('region');
  if (same(normalizePostalCode(identity.postalCode), normalizePostalCode(candidate.postalCode))) agreed.push('postalCode');
  if (phonesAgree(identity.phone, candidate.phone)) agreed.push('phone');
  return agreed;
}

// ---- the decision -----------------------------------------------------------------------------------------

const round4 = (n: number) => Math.round(n * 10_000) / 10_000;

type Ranked = CandidateEvidence & { candidate: MatchCandidate };

const VERDICT_RANK: Record<CandidateEvidence['verdict'], number> = {
  domain: 0,
  name: 1,
  name_without_support: 2,
  near: 2,
  below_threshold: 3,
};

/** The ordered tie-breakers as a comparator: negative when `a` is preferred. */
export function compareCandidates(a: Ranked, b: Ranked): number {
  return (
    b.score - a.score ||
    b.agreed.length - a.agreed.length ||
    Number(b.hasChannelOwner || b.hasActiveRegistration) - Number(a.hasChannelOwner || a.hasActiveRegistration) ||
    a.candidate.createdAt.getTime() - b.candidate.createdAt.getTime() ||
    (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0)
  );
}

export function decideMatch(
  identity: MatchIdentity,
  candidates: MatchCandidate[],
  thresholds: MatchThresholds,
  subjectNormalizedName: string | null = null,
): MatchDecision {
  const { domain, ignored } = evidenceDomain(identity);
  const nameThreshold = round4(thresholds.nameMatchThreshold);
  const nearThreshold = round4(Math.min(thresholds.nearMatchThreshold, thresholds.nameMatchThreshold));
  const ranked: Ranked[] = candidates.map((c) => {
    const similarity = round4(Math.max(0, Math.min(1, c.similarity)));
    const domainMatch = domain !== null && normalizeDomain(c.domain) === domain;
    const agreed = agreedFields(identity, c);
    const verdict: CandidateEvidence['verdict'] = domainMatch
      ? 'domain'
      : similarity >= nameThreshold
        ? agreed.length > 0
          ? 'name'
          : 'name_without_support'
        : similarity >= nearThreshold
          ? 'near'
          : 'below_threshold';
    return {
      candidate: c,
      accountId: c.id,
      name: c.name,
      normalizedName: c.normalizedName,
      similarity,
      domainMatch,
      score: domainMatch ? 1 : similarity,
      agreed,
      verdict,
      hasChannelOwner: c.hasChannelOwner,
      hasActiveRegistration: c.hasActiveRegistration,
      createdAt: c.createdAt.toISOString(),
    };
  });
  // Domain matches, then name matches, near matches, the rest — each by the tie-breakers: the evidence reads best first.
  ranked.sort((a, b) => VERDICT_RANK[a.verdict] - VERDICT_RANK[b.verdict] || compareCandidates(a, b));

  const byDomain = ranked.filter((r) => r.verdict === 'domain');
  const byName = ranked.filter((r) => r.verdict === 'name');
  const near = ranked.filter((r) => r.verdict === 'name_without_support' || r.verdict === 'near');
  let method: MatchMethod = 'none';
  let chosen: Ranked | null = null;
  let nearMatch: Ranked | null = null;
  let summary: string;
  if (byDomain.length > 0) {
    method = 'domain';
    chosen = byDomain[0]!;
    summary =
      `domain ${domain} is ${chosen.name}'s` + (byDomain.length > 1 ? ` (${byDomain.length} accounts share it; tie-breakers chose)` : '');
  } else if (byName.length > 0) {
    method = 'name';
    chosen = byName[0]!;
    summary =
      `name similarity ${chosen.similarity} ≥ ${nameThreshold} with ${chosen.agreed.join(', ')} agreeing` +
      (byName.length > 1 ? ` (best of ${byName.length} by tie-breakers)` : '');
  } else if (near.length > 0) {
    nearMatch = near[0]!;
    summary =
      nearMatch.verdict === 'name_without_support'
        ? `${nearMatch.name} is similar (${nearMatch.similarity}) but no supporting field agrees: near match, review needed`
        : `${nearMatch.name} is a near match (${nearMatch.similarity} ≥ ${nearThreshold}): review needed`;
  } else {
    summary = candidates.length === 0 ? 'no candidate account' : `no candidate reaches ${nearThreshold}`;
  }
  const strip = ({ candidate: _c, ...rest }: Ranked): CandidateEvidence => rest;
  return {
    method,
    score: chosen ? chosen.score : (nearMatch?.score ?? 0),
    accountId: chosen?.accountId ?? null,
    nearMatchId: nearMatch?.accountId ?? null,
    evidence: {
      subject: {
        name: identity.name,
        normalizedName: subjectNormalizedName,
        domain,
        ignoredDomains: ignored,
        country: identity.country ?? null,
        region: identity.region ?? null,
        postalCode: identity.postalCode ?? null,
        phone: identity.phone ?? null,
      },
      thresholds: { nameMatchThreshold: nameThreshold, nearMatchThreshold: nearThreshold },
      candidates: ranked.map(strip),
      tieBreakers: TIE_BREAKERS,
      chosenId: chosen?.accountId ?? null,
      nearMatchId: nearMatch?.accountId ?? null,
      summary,
    },
  };
}
