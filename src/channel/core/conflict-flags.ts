/** The conflict case kinds a registration can open (a subset of conflict_cases.kind). */
export type ConflictKind = 'partner_registration_on_direct_account' | 'registration_overlap';

export type ConflictCode = 'other_partner_registration' | 'direct_opportunity' | 'direct_only' | 'other_partner_account';
export type ConflictFlag = { code: ConflictCode; detail: string };

/** What the conflict rules look at when a registration is submitted (or reassigned). */
export type ConflictFacts = {
  partnerId: string;
  account: { id: string; name: string; directOnly: boolean; channelPartnerId: string | null };
  /** Live registrations (submitted, under review, approved) on the same account and product line, any partner. */
  registrations: Array<{ id: string; partnerId: string; status: string }>;
  /** Open opportunities on the account. */
  opportunities: Array<{ id: string; partnerId: string | null; status: string }>;
};

/** Internal-only flags, in a stable order; the partner never sees them. */
export function conflictFlags(facts: ConflictFacts): ConflictFlag[] {
  const flags: ConflictFlag[] = [];
  const others = facts.registrations.filter(
    (r) => r.partnerId !== facts.partnerId && ['submitted', 'under_review', 'approved'].includes(r.status),
  );
  if (others.length > 0) {
    flags.push({
      code: 'other_partner_registration',
      detail: `another partner holds ${others.map((r) => `${r.status} registration ${r.id}`).join(', ')} on this account and product line`,
    });
  }
  const direct = facts.opportunities.filter((o) => o.partnerId === null && o.status === 'open');
  if (direct.length > 0)
    flags.push({
      code: 'direct_opportunity',
      detail: `open direct opportunit${direct.length === 1 ? 'y' : 'ies'} ${direct.map((o) => o.id).join(', ')} on ${facts.account.name}`,
    });
  if (facts.account.directOnly) flags.push({ code: 'direct_only', detail: `${facts.account.name} is a direct-only account` });
  if (facts.account.channelPartnerId !== null && facts.account.channelPartnerId !== facts.partnerId) {
    flags.push({
      code: 'other_partner_account',
      detail: `${facts.account.name} is owned by another partner (${facts.account.channelPartnerId})`,
    });
  }
  return flags;
}

/** The conflict case a flagged registration opens: against direct sales, or against another partner. */
export function conflictKindOf(flags: ConflictFlag[]): ConflictKind | null {
  if (flags.length === 0) return null;
  return flags.some((f) => f.code === 'direct_opportunity' || f.code === 'direct_only')
    ? 'partner_registration_on_direct_account'
    : 'registration_overlap';
}
