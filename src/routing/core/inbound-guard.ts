import type { AccountFacts, Facts } from './facts.js';

/**
 * The inbound guard: a lead on an account a partner owns (channel owner) or holds an approved registration on
 * goes to that partner's channel manager before any direct rule can take it. Pure: the facts carry the
 * account's channel owner and approved registrations; the caller looks up the channel manager.
 */
export const REGISTERED_ACCOUNT_REASON_CODE = 'registered_account';
export const REGISTERED_ACCOUNT_REASON = 'registered account';

export type RegisteredAccount = { accountId: string; partnerId: string; basis: 'channel_partner' | 'approved_registration' };

/** Which partner protects this lead's account, if any: the channel owner first, else the approved registration
 *  for the lead's product line, else the oldest approved registration. */
export function registeredAccountOf(facts: Facts): RegisteredAccount | null {
  const account = facts.account as Partial<AccountFacts> | undefined;
  if (!account?.id) return null;
  if (account.channelPartnerId) return { accountId: account.id, partnerId: account.channelPartnerId, basis: 'channel_partner' };
  const registrations = account.activeRegistrations ?? [];
  if (registrations.length === 0) return null;
  const forLine = registrations.find((r) => r.productLine === facts.productLine) ?? registrations[0]!;
  return { accountId: account.id, partnerId: forLine.partnerId, basis: 'approved_registration' };
}

export type GuardNote = RegisteredAccount & { applied: boolean; channelManagerId: string | null; note: string };

/** What the explanation records about the guard, whether it placed the record or let the rules run. */
export function guardNote(registered: RegisteredAccount, channelManagerId: string | null): GuardNote {
  const why = registered.basis === 'channel_partner' ? 'the account has a channel partner' : 'the account has an approved registration';
  return {
    ...registered,
    applied: channelManagerId !== null,
    channelManagerId,
    note: channelManagerId
      ? `${REGISTERED_ACCOUNT_REASON}: ${why}; the partner's channel manager owns it before any rule runs`
      : `${REGISTERED_ACCOUNT_REASON}: ${why}, but the partner has no active channel manager; the rules decided`,
  };
}
