export type RegistrationStatus =
  'submitted' | 'under_review' | 'approved' | 'rejected' | 'returned' | 'won' | 'lost' | 'expired' | 'withdrawn';

/** Who acts on a registration: a channel team member (or Baton itself), or a user of the registering partner. */
export type ActorKind = 'internal' | 'partner' | 'system';

export type RegistrationAction =
  'start_review' | 'approve' | 'reject' | 'return' | 'resubmit' | 'log_activity' | 'win' | 'lose' | 'withdraw' | 'expire' | 'extend';

type Rule = { from: readonly RegistrationStatus[]; to: RegistrationStatus | 'same'; actors: readonly ActorKind[] };

/** The one lifecycle table (DOMAIN §6): which action moves which status, and who may take it. */
export const REGISTRATION_TRANSITIONS: Record<RegistrationAction, Rule> = {
  start_review: { from: ['submitted'], to: 'under_review', actors: ['internal', 'partner', 'system'] },
  approve: { from: ['under_review'], to: 'approved', actors: ['internal'] },
  reject: { from: ['under_review'], to: 'rejected', actors: ['internal'] },
  return: { from: ['under_review'], to: 'returned', actors: ['internal'] },
  resubmit: { from: ['returned'], to: 'under_review', actors: ['partner', 'internal'] },
  // Activity can be logged while the deal is live; only on an approved registration does it renew exclusivity.
  log_activity: { from: ['submitted', 'under_review', 'returned', 'approved'], to: 'same', actors: ['partner', 'internal'] },
  win: { from: ['approved'], to: 'won', actors: ['internal'] },
  lose: { from: ['approved'], to: 'lost', actors: ['internal'] },
  withdraw: { from: ['submitted', 'under_review', 'returned', 'approved'], to: 'withdrawn', actors: ['partner', 'internal'] },
  expire: { from: ['approved'], to: 'expired', actors: ['system'] },
  extend: { from: ['expired'], to: 'approved', actors: ['internal'] },
};

/** Statuses that count against the partner's registration cap. */
export const ACTIVE_STATUSES: readonly RegistrationStatus[] = ['submitted', 'under_review', 'returned', 'approved'];
/** Statuses in which another partner's registration on the same account and product line is a conflict. */
export const CONFLICTING_STATUSES: readonly RegistrationStatus[] = ['submitted', 'under_review', 'approved'];
export const TERMINAL_STATUSES: readonly RegistrationStatus[] = ['rejected', 'won', 'lost', 'expired', 'withdrawn'];

export type TransitionVerdict =
  { ok: true; to: RegistrationStatus } | { ok: false; why: 'actor'; message: string } | { ok: false; why: 'status'; message: string };

/** Whether `actor` may take `action` on a registration in `status`, and the status it leads to. */
export function transition(status: RegistrationStatus, action: RegistrationAction, actor: ActorKind): TransitionVerdict {
  const rule = REGISTRATION_TRANSITIONS[action];
  if (!rule.actors.includes(actor))
    return { ok: false, why: 'actor', message: `${actor} users cannot ${action.replace('_', ' ')} a registration` };
  if (!rule.from.includes(status)) {
    return {
      ok: false,
      why: 'status',
      message: `cannot ${action.replace('_', ' ')} a registration that is ${status} (allowed from ${rule.from.join(', ')})`,
    };
  }
  return { ok: true, to: rule.to === 'same' ? status : rule.to };
}

/** The actions open to `actor` on a registration in `status` (for UIs and tests). */
export const allowedActions = (status: RegistrationStatus, actor: ActorKind): RegistrationAction[] =>
  (Object.keys(REGISTRATION_TRANSITIONS) as RegistrationAction[]).filter((a) => transition(status, a, actor).ok);
