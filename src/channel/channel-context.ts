import type { Executor } from '../platform/db/database.js';

export type ChannelPolicy = {
  inactivityDays: number;
  hardCapDays: number;
  warnDaysBefore: number;
  reviewSlaHours: number;
  conflictSlaHours: number;
  decisionSlaHours: number;
  nameMatchThreshold: number;
  nearMatchThreshold: number;
  paperMinActive: number;
  paperMaxWinRate: number;
  paperWindowDays: number;
  maxAmountMinor: number;
  version: number;
};

/** The one row of channel policy, as numbers. */
export async function channelPolicy(db: Executor): Promise<ChannelPolicy> {
  const p = await db.selectFrom('channel_policy').selectAll().executeTakeFirstOrThrow();
  return {
    inactivityDays: p.inactivity_days,
    hardCapDays: p.hard_cap_days,
    warnDaysBefore: p.warn_days_before,
    reviewSlaHours: Number(p.review_sla_hours),
    conflictSlaHours: Number(p.conflict_sla_hours),
    decisionSlaHours: Number(p.decision_sla_hours),
    nameMatchThreshold: Number(p.name_match_threshold),
    nearMatchThreshold: Number(p.near_match_threshold),
    paperMinActive: p.paper_min_active,
    paperMaxWinRate: Number(p.paper_max_win_rate),
    paperWindowDays: p.paper_window_days,
    maxAmountMinor: Number(p.max_amount_minor),
    version: p.version,
  };
}

/** The internal user accountable for a partner's channel work, if the partner has one and they are active. */
export async function channelManagerOf(db: Executor, partnerId: string | null): Promise<string | null> {
  if (!partnerId) return null;
  const row = await db
    .selectFrom('partners')
    .innerJoin('users', 'users.id', 'partners.channel_manager_id')
    .select('users.id')
    .where('partners.id', '=', partnerId)
    .where('users.status', '=', 'active')
    .executeTakeFirst();
  return row?.id ?? null;
}
