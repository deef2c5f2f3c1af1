import { sql } from 'kysely';
import type { Executor } from '../platform/db/database.js';

export const conflictRows = (db: Executor) =>
  db
    .selectFrom('conflict_cases as c')
    .innerJoin('accounts as a', 'a.id', 'c.account_id')
    .leftJoin('partners as p', 'p.id', 'c.partner_id')
    .leftJoin('users as o', 'o.id', 'c.owner_id')
    .leftJoin('users as r', 'r.id', 'c.resolved_by')
    .selectAll('c')
    .select(['a.name as account_name', 'p.name as partner_name', 'o.name as owner_name', 'r.name as resolved_by_name']);

type ConflictRow = Awaited<ReturnType<ReturnType<typeof conflictRows>['executeTakeFirstOrThrow']>>;

export const conflictView = (c: ConflictRow, now: Date) => ({
  id: c.id,
  accountId: c.account_id,
  accountName: c.account_name,
  kind: c.kind,
  partnerId: c.partner_id,
  partnerName: c.partner_name,
  registrationId: c.registration_id,
  sourceType: c.source_type,
  sourceId: c.source_id,
  detail: c.detail,
  status: c.status,
  resolution: c.resolution,
  resolutionReason: c.resolution_reason,
  resolvedBy: c.resolved_by ? { id: c.resolved_by, name: c.resolved_by_name ?? '' } : null,
  resolvedAt: c.resolved_at?.toISOString() ?? null,
  dueAt: c.due_at.toISOString(),
  overdue: c.status === 'open' && c.due_at.getTime() < now.getTime(),
  owner: c.owner_id ? { id: c.owner_id, name: c.owner_name ?? '' } : null,
  currentAssignmentId: c.current_assignment_id,
  version: c.version,
  createdAt: c.created_at.toISOString(),
  updatedAt: c.updated_at.toISOString(),
});
export type ConflictView = ReturnType<typeof conflictView>;

export type ConflictFilter = { status?: 'open' | 'resolved'; accountId?: string; partnerId?: string; overdue?: boolean; limit: number; after?: [string, string] };

/** Queue order: soonest due first (overdue at the top), then id. */
export async function listConflictRows(db: Executor, filter: ConflictFilter, now: Date) {
  let query = conflictRows(db).orderBy('c.due_at').orderBy('c.id').limit(filter.limit + 1);
  if (filter.status) query = query.where('c.status', '=', filter.status);
  if (filter.accountId) query = query.where('c.account_id', '=', filter.accountId);
  if (filter.partnerId) query = query.where('c.partner_id', '=', filter.partnerId);
  if (filter.overdue === true) query = query.where('c.status', '=', 'open').where('c.due_at', '<', now);
  if (filter.overdue === false) query = query.where((eb) => eb.or([eb('c.status', '<>', 'open'), eb('c.due_at', '>=', now)]));
  if (filter.after) {
    const [dueAt, id] = filter.after;
    query = query.where(sql<boolean>`(c.due_at, c.id) > (${new Date(dueAt)}, ${id}::uuid)`);
  }
  return query.execute();
}

export type ConflictCandidate = {
  kind: 'direct_opportunity_on_partner_account' | 'direct_activity_on_partner_account' | 'partner_registration_on_direct_account';
  sourceType: 'opportunity' | 'activity' | 'registration';
  sourceId: string;
  accountId: string;
  accountName: string;
  partnerId: string;
  partnerName: string;
  registrationId: string | null;
  subject: string;
  at: Date;
};

type CandidateRow = {
  source_id: string;
  account_id: string;
  account_name: string;
  channel_partner_id: string | null;
  reg_id: string | null;
  reg_partner_id: string | null;
  subject: string;
  at: Date;
};

// An approved registration on the account that was already approved when the act happened; the one on the
// act's product line first.
const registrationAt = (productLine: ReturnType<typeof sql.raw>, at: ReturnType<typeof sql.raw>) => sql`
  LEFT JOIN LATERAL (
    SELECT r.id, r.partner_id FROM registrations r
    WHERE r.account_id = a.id AND r.status = 'approved' AND r.approved_at <= ${at}
    ORDER BY (r.product_line IS NOT DISTINCT FROM ${productLine}) DESC, r.approved_at, r.id
    LIMIT 1
  ) reg ON true`;
// The account is the partner's when it was assigned before the act (or has no assignment time on record).
const partnerHeld = (at: ReturnType<typeof sql.raw>) =>
  sql`((a.channel_partner_id IS NOT NULL AND (a.channel_assigned_at IS NULL OR a.channel_assigned_at <= ${at})) OR reg.id IS NOT NULL)`;

/**
 * Acts created in (since, until] that collide with the channel: direct opportunities and internal (non-channel)
 * users' activities on accounts a partner owns or holds an approved registration on, and approvals of
 * registrations on accounts with an open direct opportunity that predates the approval (a later one is the
 * first rule's). Three queries, oldest act first.
 */
export async function findConflictCandidates(db: Executor, since: Date | null, until: Date): Promise<ConflictCandidate[]> {
  const window = (column: ReturnType<typeof sql.raw>) => (since ? sql`${column} > ${since} AND ${column} <= ${until}` : sql`${column} <= ${until}`);
  const opportunities = await sql<CandidateRow>`
    SELECT o.id AS source_id, a.id AS account_id, a.name AS account_name, a.channel_partner_id, reg.id AS reg_id, reg.partner_id AS reg_partner_id,
           o.name AS subject, o.created_at AS at
    FROM opportunities o
    JOIN accounts a ON a.id = o.account_id
    ${registrationAt(sql.raw('o.product_line'), sql.raw('o.created_at'))}
    WHERE o.partner_id IS NULL AND ${window(sql.raw('o.created_at'))} AND ${partnerHeld(sql.raw('o.created_at'))}
    ORDER BY o.created_at, o.id`.execute(db);
  const activities = await sql<CandidateRow>`
    SELECT act.id AS source_id, a.id AS account_id, a.name AS account_name, a.channel_partner_id, reg.id AS reg_id, reg.partner_id AS reg_partner_id,
           act.kind || ': ' || act.subject AS subject, act.created_at AS at
    FROM activities act
    JOIN users u ON u.id = act.actor_id AND u.partner_id IS NULL AND u.role <> 'channel_manager'
    LEFT JOIN opportunities ao ON act.record_type = 'opportunity' AND ao.id = act.record_id AND ao.partner_id IS NULL
    JOIN accounts a ON a.id = CASE WHEN act.record_type = 'account' THEN act.record_id ELSE ao.account_id END
    ${registrationAt(sql.raw('ao.product_line'), sql.raw('act.created_at'))}
    WHERE act.partner_id IS NULL AND act.record_type IN ('account', 'opportunity')
      AND ${window(sql.raw('act.created_at'))} AND ${partnerHeld(sql.raw('act.created_at'))}
    ORDER BY act.created_at, act.id`.execute(db);
  const registrations = await sql<CandidateRow>`
    SELECT r.id AS source_id, a.id AS account_id, a.name AS account_name, r.partner_id AS channel_partner_id, r.id AS reg_id, r.partner_id AS reg_partner_id,
           o.name AS subject, r.approved_at AS at
    FROM registrations r
    JOIN accounts a ON a.id = r.account_id
    JOIN LATERAL (
      SELECT o.id, o.name FROM opportunities o
      WHERE o.account_id = r.account_id AND o.partner_id IS NULL AND o.status = 'open' AND o.created_at <= r.approved_at
      ORDER BY (o.product_line IS NOT DISTINCT FROM r.product_line) DESC, o.created_at, o.id
      LIMIT 1
    ) o ON true
    WHERE r.status = 'approved' AND ${window(sql.raw('r.approved_at'))}
    ORDER BY r.approved_at, r.id`.execute(db);

  const partnerIds = new Set<string>();
  for (const row of [...opportunities.rows, ...activities.rows, ...registrations.rows]) partnerIds.add((row.channel_partner_id ?? row.reg_partner_id)!);
  const names = new Map(
    (partnerIds.size ? await db.selectFrom('partners').select(['id', 'name']).where('id', 'in', [...partnerIds]).execute() : []).map((p) => [p.id, p.name]),
  );
  const toCandidate = (kind: ConflictCandidate['kind'], sourceType: ConflictCandidate['sourceType']) => (row: CandidateRow): ConflictCandidate => {
    const partnerId = (row.channel_partner_id ?? row.reg_partner_id)!;
    return {
      kind,
      sourceType,
      sourceId: row.source_id,
      accountId: row.account_id,
      accountName: row.account_name,
      partnerId,
      partnerName: names.get(partnerId) ?? '',
      registrationId: row.reg_partner_id === partnerId ? row.reg_id : null,
      subject: row.subject,
      at: row.at,
    };
  };
  return [
    ...opportunities.rows.map(toCandidate('direct_opportunity_on_partner_account', 'opportunity')),
    ...activities.rows.map(toCandidate('direct_activity_on_partner_account', 'activity')),
    ...registrations.rows.map(toCandidate('partner_registration_on_direct_account', 'registration')),
  ];
}

/** A case for the same account and partner that was open when the act happened (still open, or resolved since). */
export const coveredByCase = async (db: Executor, accountId: string, partnerId: string, at: Date) =>
  (await db
    .selectFrom('conflict_cases')
    .select('id')
    .where('account_id', '=', accountId)
    .where('partner_id', '=', partnerId)
    .where((eb) => eb.or([eb('status', '=', 'open'), eb('resolved_at', '>=', at)]))
    .executeTakeFirst()) !== undefined;
