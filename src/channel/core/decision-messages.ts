/**
 * What a partner is told. Internal decision codes map to a fixed partner-facing sentence; every conflict
 * reason is `not_available`, so the answer never reveals which rule (or whose deal) stood in the way.
 */
export const DECISION_CODES = ['not_available', 'incomplete', 'not_qualified'] as const;
export type DecisionCode = (typeof DECISION_CODES)[number];

const PARTNER_REASON: Record<DecisionCode, string> = {
  not_available: 'Not available for registration.',
  incomplete: 'Incomplete information.',
  not_qualified: 'Does not meet the programme criteria.',
};

export const partnerDecisionReason = (code: DecisionCode): string => PARTNER_REASON[code];

export type PartnerNoticeKind = 'decision' | 'expiry_warning' | 'expired' | 'info_requested' | 'extended';

/** The partner's inbox entry for an event on one of its registrations; only partner-visible facts go in. */
export function partnerNotice(
  event:
    | { kind: 'approved'; customerName: string; expiresAt: Date }
    | { kind: 'rejected'; customerName: string; code: DecisionCode }
    | { kind: 'returned'; customerName: string; infoRequest: string }
    | { kind: 'expiry_warning'; customerName: string; expiresAt: Date }
    | { kind: 'expired'; customerName: string }
    | { kind: 'extended'; customerName: string; expiresAt: Date },
): { kind: PartnerNoticeKind; title: string; body: string } {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  switch (event.kind) {
    case 'approved':
      return {
        kind: 'decision',
        title: `Registration approved: ${event.customerName}`,
        body: `Approved. Exclusivity runs until ${day(event.expiresAt)} and renews with every logged activity.`,
      };
    case 'rejected':
      return { kind: 'decision', title: `Registration not approved: ${event.customerName}`, body: partnerDecisionReason(event.code) };
    case 'returned':
      return { kind: 'info_requested', title: `More information needed: ${event.customerName}`, body: event.infoRequest };
    case 'expiry_warning':
      return {
        kind: 'expiry_warning',
        title: `Registration expiring: ${event.customerName}`,
        body: `Exclusivity ends on ${day(event.expiresAt)} unless you log activity.`,
      };
    case 'expired':
      return {
        kind: 'expired',
        title: `Registration expired: ${event.customerName}`,
        body: 'Exclusivity ended after a period without logged activity.',
      };
    case 'extended':
      return {
        kind: 'extended',
        title: `Registration extended: ${event.customerName}`,
        body: `Exclusivity renewed until ${day(event.expiresAt)}.`,
      };
  }
}
