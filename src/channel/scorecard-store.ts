import { sql } from 'kysely';
import type { Executor } from '../platform/db/database.js';
import { type Period, type ScorecardInputs, emptyInputs } from './core/scorecard.js';

type RegistrationAgg = {
  idx: string;
  partner_id: string;
  active_at_end: string;
  approved: string;
  rejected: string;
  won: string;
  lost: string;
  expired: string;
  withdrawn: string;
  won_amounts: string[] | null;
  close_days: Array<string | number> | null;
  trailing_won: string;
  trailing_lost: string;
};
type OpportunityAgg = { idx: string; partner_id: string; won: string; lost: string };

/**
 * Scorecard inputs for every partner and every period, in three queries (partners, registrations,
 * opportunities) however many periods are asked for. Always every partner: each one is the others' peer. When a registration ended: closed_at; for an expired
 * one without it, its expires_at; for a rejection, closed_at or its last update (rejection is final).
 */
export async function scorecardInputs(db: Executor, periods: readonly Period[], paperWindowDays: number): Promise<ScorecardInputs[][]> {
  const partners = await db.selectFrom('partners').select(['id', 'name', 'tier', 'territory']).orderBy(sql`lower(name)`).orderBy('id').execute();
  if (periods.length === 0) return [];
  const froms = periods.map((p) => p.from.toISOString());
  const tos = periods.map((p) => p.to.toISOString());
  const windowMs = paperWindowDays * 86_400_000;
  const periodsCte = sql`periods AS (
    SELECT p.from_at, p.to_at, p.idx FROM unnest(${froms}::timestamptz[], ${tos}::timestamptz[]) WITH ORDINALITY AS p(from_at, to_at, idx))`;
  const registrations = await sql<RegistrationAgg>`
    WITH ${periodsCte},
    regs AS (
      SELECT r.partner_id, r.status, r.approved_at, r.created_at, r.closed_at, r.amount_minor,
             CASE WHEN r.status IN ('won', 'lost', 'withdrawn', 'expired')
                  THEN coalesce(r.closed_at, CASE WHEN r.status = 'expired' THEN r.expires_at END, r.updated_at) END AS ended_at,
             CASE WHEN r.status = 'rejected' THEN coalesce(r.closed_at, r.updated_at) END AS rejected_at
      FROM registrations r)
    SELECT p.idx, r.partner_id,
      count(*) FILTER (WHERE r.approved_at < p.to_at AND r.status IN ('approved', 'won', 'lost', 'withdrawn', 'expired')
                         AND (r.ended_at IS NULL OR r.ended_at >= p.to_at)) AS active_at_end,
      count(*) FILTER (WHERE r.approved_at >= p.from_at AND r.approved_at < p.to_at) AS approved,
      count(*) FILTER (WHERE r.rejected_at >= p.from_at AND r.rejected_at < p.to_at) AS rejected,
      count(*) FILTER (WHERE r.status = 'won' AND r.ended_at >= p.from_at AND r.ended_at < p.to_at) AS won,
      count(*) FILTER (WHERE r.status = 'lost' AND r.ended_at >= p.from_at AND r.ended_at < p.to_at) AS lost,
      count(*) FILTER (WHERE r.status = 'expired' AND r.ended_at >= p.from_at AND r.ended_at < p.to_at) AS expired,
      count(*) FILTER (WHERE r.status = 'withdrawn' AND r.ended_at >= p.from_at AND r.ended_at < p.to_at) AS withdrawn,
      array_agg(r.amount_minor) FILTER (WHERE r.status = 'won' AND r.ended_at >= p.from_at AND r.ended_at < p.to_at) AS won_amounts,
      array_agg(extract(epoch FROM (r.ended_at - r.created_at)) / 86400)
        FILTER (WHERE r.status IN ('won', 'lost') AND r.ended_at >= p.from_at AND r.ended_at < p.to_at) AS close_days,
      count(*) FILTER (WHERE r.status = 'won' AND r.ended_at >= p.to_at - ${windowMs} * interval '1 millisecond' AND r.ended_at < p.to_at) AS trailing_won,
      count(*) FILTER (WHERE r.status = 'lost' AND r.ended_at >= p.to_at - ${windowMs} * interval '1 millisecond' AND r.ended_at < p.to_at) AS trailing_lost
    FROM periods p CROSS JOIN regs r
    GROUP BY p.idx, r.partner_id`.execute(db);
  const opportunities = await sql<OpportunityAgg>`
    WITH ${periodsCte}
    SELECT p.idx, o.partner_id,
      count(*) FILTER (WHERE o.status = 'won') AS won,
      count(*) FILTER (WHERE o.status = 'lost') AS lost
    FROM periods p
    JOIN opportunities o ON o.partner_id IS NOT NULL AND o.registration_id IS NULL AND o.status IN ('won', 'lost')
                        AND o.stage_changed_at >= p.from_at AND o.stage_changed_at < p.to_at
    GROUP BY p.idx, o.partner_id`.execute(db);

  const result = periods.map(() =>
    new Map(partners.map((p) => [p.id, emptyInputs({ partnerId: p.id, partnerName: p.name, tier: p.tier, territory: p.territory })])),
  );
  for (const row of registrations.rows) {
    const inputs = result[Number(row.idx) - 1]?.get(row.partner_id);
    if (!inputs) continue;
    Object.assign(inputs, {
      activeAtEnd: Number(row.active_at_end),
      approved: Number(row.approved),
      rejected: Number(row.rejected),
      won: Number(row.won),
      lost: Number(row.lost),
      expired: Number(row.expired),
      withdrawn: Number(row.withdrawn),
      wonAmountsMinor: (row.won_amounts ?? []).map(Number),
      closeDays: (row.close_days ?? []).map(Number),
      trailingWon: Number(row.trailing_won),
      trailingLost: Number(row.trailing_lost),
    });
  }
  for (const row of opportunities.rows) {
    const inputs = result[Number(row.idx) - 1]?.get(row.partner_id);
    if (!inputs) continue;
    inputs.unregisteredWon = Number(row.won);
    inputs.unregisteredLost = Number(row.lost);
  }
  return result.map((m) => [...m.values()]);
}
