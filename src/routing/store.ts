import { type Selectable, sql } from 'kysely';
import type { Insertable } from 'kysely';
import type { AccountTable, AssignmentTable, Database, Executor, LeadTable, OpportunityTable, Trx } from '../platform/db/database.js';
import type { BusinessCalendar } from './core/business-time.js';
import type { AccountFacts, ActiveRegistration } from './core/facts.js';
import { ROUTABLE_TABLES, type RoutableRecordType } from './core/record-types.js';

export type AccountRow = Selectable<AccountTable>;
export type LeadRow = Selectable<LeadTable>;
export type OpportunityRow = Selectable<OpportunityTable>;
export type AssignmentRow = Selectable<AssignmentTable>;

const num = (v: string | number | null) => (v === null ? null : Number(v));

/** Account facts; `hasActiveRegistration` is true when an approved registration exists on the account. */
export function accountFactsOf(row: AccountRow, activeRegistrations: ActiveRegistration[] = []): AccountFacts {
  return {
    id: row.id,
    name: row.name,
    domain: row.domain,
    region: row.region,
    country: row.country,
    segment: row.segment,
    tier: row.tier,
    industry: row.industry,
    employees: row.employees,
    annualRevenue: num(row.annual_revenue),
    ownerId: row.owner_id,
    channelPartnerId: row.channel_partner_id,
    hasActiveRegistration: activeRegistrations.length > 0,
    activeRegistrations,
    directOnly: row.direct_only,
    createdAt: row.created_at.getTime(),
    attributes: row.attributes,
  };
}

// ---- records --------------------------------------------------------------------------------------------

export const findAccount = (db: Executor, id: string) => db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
export const findLead = (db: Executor, id: string) => db.selectFrom('leads').selectAll().where('id', '=', id).executeTakeFirst();
export const findOpportunity = (db: Executor, id: string) =>
  db.selectFrom('opportunities').selectAll().where('id', '=', id).executeTakeFirst();

export const lockAccount = (trx: Trx, id: string) =>
  trx.selectFrom('accounts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
export const lockLead = (trx: Trx, id: string) => trx.selectFrom('leads').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
export const lockOpportunity = (trx: Trx, id: string) =>
  trx.selectFrom('opportunities').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

/**
 * Accounts with their approved registrations aggregated in the same statement (a correlated subquery on
 * `registrations_account`), so building facts for a batch of any size stays one query.
 */
export const selectAccountsWithRegistrations = (db: Executor) =>
  db
    .selectFrom('accounts')
    .selectAll('accounts')
    .select(
      sql<
        ActiveRegistration[]
      >`coalesce((select jsonb_agg(jsonb_build_object('partnerId', r.partner_id, 'productLine', r.product_line) order by r.approved_at, r.id)
                                          from registrations r where r.account_id = accounts.id and r.status = 'approved'), '[]'::jsonb)`.as(
        'active_registrations',
      ),
    );

/** Internal users who take a partner's channel work, for each partner that has an active one. */
export async function activeChannelManagers(db: Executor, partnerIds: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(partnerIds)];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .selectFrom('partners')
    .innerJoin('users', 'users.id', 'partners.channel_manager_id')
    .select(['partners.id as partner_id', 'users.id as user_id'])
    .where('partners.id', 'in', wanted)
    .where('users.status', '=', 'active')
    .where('users.partner_id', 'is', null)
    .execute();
  return new Map(rows.map((r) => [r.partner_id, r.user_id]));
}

export async function recordExists(
  db: Executor,
  recordType: RoutableRecordType,
  recordId: string,
): Promise<{ ownerId: string | null } | undefined> {
  const result = await sql<{
    owner_id: string | null;
  }>`select owner_id from ${sql.table(ROUTABLE_TABLES[recordType])} where id = ${recordId}`.execute(db);
  const row = result.rows[0];
  return row ? { ownerId: row.owner_id } : undefined;
}

// ---- people -------------------------------------------------------------------------------------------

export type Person = {
  id: string;
  name: string;
  status: 'active' | 'deactivated';
  teamId: string | null;
  partnerId: string | null;
  calendar: BusinessCalendar | null;
};

export async function findPeople(db: Executor, ids: string[]): Promise<Map<string, Person>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('users as u')
    .leftJoin('teams as t', 't.id', 'u.team_id')
    .leftJoin('calendars as c', (join) => join.on(sql`c.id`, '=', sql`coalesce(u.calendar_id, t.calendar_id)`))
    .select(['u.id', 'u.name', 'u.status', 'u.team_id', 'u.partner_id', 'c.time_zone', 'c.weekly_hours', 'c.holidays'])
    .where('u.id', 'in', ids)
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        name: r.name,
        status: r.status,
        teamId: r.team_id,
        partnerId: r.partner_id,
        calendar: r.time_zone
          ? { timeZone: r.time_zone, weeklyHours: r.weekly_hours as BusinessCalendar['weeklyHours'], holidays: r.holidays ?? [] }
          : null,
      },
    ]),
  );
}

export const findPerson = async (db: Executor, id: string) => (await findPeople(db, [id])).get(id);

export const teamManagerOf = async (db: Executor, userId: string) =>
  (
    await db
      .selectFrom('users as u')
      .innerJoin('teams as t', 't.id', 'u.team_id')
      .select('t.manager_id')
      .where('u.id', '=', userId)
      .executeTakeFirst()
  )?.manager_id ?? null;

export const partnerChannelManager = async (db: Executor, partnerId: string) =>
  (await db.selectFrom('partners').select('channel_manager_id').where('id', '=', partnerId).executeTakeFirst())?.channel_manager_id ?? null;

// ---- rule sets, pools, queues, policies ----------------------------------------------------------------

export const publishedRuleset = (db: Executor, recordType: string) =>
  db
    .selectFrom('rulesets')
    .selectAll()
    .where('record_type', '=', recordType as never)
    .where('status', '=', 'published')
    .executeTakeFirst();

/**
 * What a decision reads before any lock, in one statement: the routing policy and the published rule set of the
 * record type. A published version never changes, so its rules (about 10 KB of JSON) come back only when the
 * caller has not compiled that version yet (`compiled`).
 */
export async function decisionInputs(trx: Trx, recordType: string, compiled: (rulesetId: string) => boolean) {
  return decisionInputsOf(trx, await policyAndPublishedRuleset(trx, recordType).executeTakeFirstOrThrow(), compiled);
}

/** The routing policy with the published rule set's id and number for a record type: one row. */
export const policyAndPublishedRuleset = (trx: Trx, recordType: string) =>
  trx
    .selectFrom('routing_policy as p')
    .leftJoin('rulesets as r', (join) => join.on('r.record_type', '=', recordType as never).on('r.status', '=', 'published'))
    .selectAll('p')
    .select(['r.id as ruleset_id', 'r.number as ruleset_number']);
type PolicyAndPublishedRuleset = Awaited<ReturnType<ReturnType<typeof policyAndPublishedRuleset>['executeTakeFirstOrThrow']>>;

/** What a decision reads before it decides; the rules are read only if this process has not compiled them yet. */
export async function decisionInputsOf(trx: Trx, row: PolicyAndPublishedRuleset, compiled: (rulesetId: string) => boolean) {
  const { ruleset_id: rulesetId, ruleset_number: rulesetNumber, ...policy } = row;
  if (rulesetId === null || rulesetNumber === null) return { policy, ruleset: null };
  const rules = compiled(rulesetId)
    ? null
    : (await trx.selectFrom('rulesets').select('rules').where('id', '=', rulesetId).executeTakeFirstOrThrow()).rules;
  return { policy, ruleset: { id: rulesetId, number: rulesetNumber, rules } };
}

export type DecisionInputs = Awaited<ReturnType<typeof decisionInputs>>;

export const findRuleset = (db: Executor, id: string) => db.selectFrom('rulesets').selectAll().where('id', '=', id).executeTakeFirst();

export const routingPolicy = (db: Executor) => db.selectFrom('routing_policy').selectAll().executeTakeFirstOrThrow();
export type RoutingPolicyRow = Awaited<ReturnType<typeof routingPolicy>>;

export const findQueue = (db: Executor, id: string) => db.selectFrom('queues').selectAll().where('id', '=', id).executeTakeFirst();

export const findEscalationPolicy = (db: Executor, id: string) =>
  db.selectFrom('escalation_policies').selectAll().where('id', '=', id).executeTakeFirst();

export const findPool = (db: Executor, id: string) => db.selectFrom('pools').selectAll().where('id', '=', id).executeTakeFirst();

export const lockPool = (trx: Trx, id: string) => trx.selectFrom('pools').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

/** Several pools locked in one statement, in id order (as every batch locks them, so two batches cannot deadlock). */
export const lockPools = (trx: Trx, ids: string[]) =>
  trx.selectFrom('pools').selectAll().where('id', 'in', ids).orderBy('id').forUpdate().execute();

/** Each pool's new fairness state and decision count, in one statement. */
export async function savePoolsFairness(trx: Trx, pools: Array<{ id: string; fairness: unknown; decisions: number }>): Promise<void> {
  if (pools.length === 0) return;
  await sql`update pools p set fairness = v.fairness, decisions = v.decisions
            from unnest(${pools.map((p) => p.id)}::uuid[], ${pools.map((p) => JSON.stringify(p.fairness))}::jsonb[], ${pools.map((p) => p.decisions)}::bigint[])
              as v(id, fairness, decisions)
            where p.id = v.id`.execute(trx);
}

/**
 * A member's open work counted under their own row lock, in one round trip (see baton_lock_member_open_count in
 * migration 0014: the count runs after the lock, in a new snapshot). `FOR NO KEY UPDATE` leaves the key-share
 * locks of foreign keys to users alone.
 */
export async function lockMemberAndCountOpen(trx: Trx, userId: string): Promise<number> {
  const { rows } = await sql<{ open: number }>`select baton_lock_member_open_count(${userId}) as open`.execute(trx);
  return Number(rows[0]!.open);
}

/** The same for several members in one round trip, locked in id order (so two batches cannot deadlock on them). */
export async function lockMembersAndCountOpen(trx: Trx, userIds: string[]): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const { rows } = await sql<{ user_id: string; open: number }>`
    select m.user_id, baton_lock_member_open_count(m.user_id) as open
    from unnest(${[...new Set(userIds)].sort()}::uuid[]) with ordinality as m(user_id, n) order by m.n`.execute(trx);
  return new Map(rows.map((r) => [r.user_id, Number(r.open)]));
}

export type PoolMemberLoad = {
  userId: string;
  /** Also a member of another pool, which can add to their open work outside this pool's lock. */
  inOtherPools: boolean;
  name: string;
  teamId: string | null;
  partnerId: string | null;
  position: number;
  weight: number;
  wipCap: number | null;
  ratePerDay: number | null;
  ratePerWeek: number | null;
  regions: string[];
  productLines: string[];
  status: 'active' | 'deactivated';
  away: boolean;
  calendar: BusinessCalendar | null;
  openCount: number;
  assignedToday: number;
  assignedThisWeek: number;
  openByCap: Record<string, number>;
};

/**
 * Members with everything eligibility needs, in pool order: open work, today's and this week's intake
 * through this pool (UTC days, ISO weeks), criteria-cap counts, and whether an absence covers `now`.
 */
export async function poolMembersWithLoad(
  db: Executor,
  poolId: string,
  now: Date,
  capNames: string[],
  /** `decision`: intake is counted only for members with a rate cap (the only use a decision has for it). */
  purpose: 'decision' | 'report' = 'report',
): Promise<PoolMemberLoad[]> {
  return (await poolsMembersWithLoad(db, [poolId], now, capNames, purpose)).get(poolId) ?? [];
}

/** The same for several pools in one statement (bulk routing): each pool's members, in pool order. */
export async function poolsMembersWithLoad(
  db: Executor,
  poolIds: string[],
  now: Date,
  /** The criteria caps of every pool asked for: each pool counts only what was assigned through itself. */
  capNames: string[],
  purpose: 'decision' | 'report' = 'report',
): Promise<Map<string, PoolMemberLoad[]>> {
  // Literals, not parameters: the plan is the same for every call, so the server keeps one generic plan instead of
  // planning again each time (a parameter here, or an array of unknown length, made its generic plan look dearer).
  const always = purpose === 'report' ? sql`true` : sql`false`;
  const inPools = poolIds.length === 1 ? sql`m.pool_id = ${poolIds[0]}` : sql`m.pool_id = any(${poolIds}::uuid[])`;
  const rows = await sql<{
    pool_id: string;
    user_id: string;
    in_other_pools: boolean;
    name: string;
    team_id: string | null;
    partner_id: string | null;
    position: number;
    weight: number;
    wip_cap: number | null;
    rate_per_day: number | null;
    rate_per_week: number | null;
    regions: string[];
    product_lines: string[];
    status: 'active' | 'deactivated';
    away: boolean;
    time_zone: string | null;
    weekly_hours: BusinessCalendar['weeklyHours'] | null;
    holidays: string[] | null;
    open_count: number;
    assigned_today: number;
    assigned_week: number;
    open_by_cap: Record<string, number> | null;
  }>`
    select m.pool_id, m.user_id, m.position, m.weight, m.wip_cap, m.rate_per_day, m.rate_per_week, m.regions, m.product_lines,
           exists (select 1 from pool_members o where o.user_id = m.user_id and o.pool_id <> m.pool_id) as in_other_pools,
           u.name, u.team_id, u.partner_id, u.status,
           exists (select 1 from absences ab where ab.user_id = m.user_id and ab.starts_at <= ${now} and ab.ends_at > ${now}) as away,
           c.time_zone, c.weekly_hours, c.holidays,
           coalesce((select oc.open from owner_open_counts oc where oc.user_id = m.user_id), 0) as open_count,
           case when ${always} or m.rate_per_day is not null then
             (select count(*)::int from assignments a where a.owner_id = m.user_id and a.pool_id = m.pool_id
                and a.created_at >= date_trunc('day', ${now}::timestamptz at time zone 'UTC') at time zone 'UTC') else 0 end as assigned_today,
           case when ${always} or m.rate_per_week is not null then
             (select count(*)::int from assignments a where a.owner_id = m.user_id and a.pool_id = m.pool_id
                and a.created_at >= date_trunc('week', ${now}::timestamptz at time zone 'UTC') at time zone 'UTC') else 0 end as assigned_week,
           ${
             capNames.length === 0
               ? sql`null::jsonb`
               : sql`(select jsonb_object_agg(cap, n) from (
              select cap, count(*)::int as n
              from assignments a, jsonb_array_elements_text(coalesce(a.fairness -> 'caps', '[]')) as cap
              where a.owner_id = m.user_id and a.closed_at is null and a.pool_id = m.pool_id and cap = any(${capNames}::text[])
              group by cap) caps)`
           } as open_by_cap
    from pool_members m
    join users u on u.id = m.user_id
    left join teams t on t.id = u.team_id
    left join calendars c on c.id = coalesce(u.calendar_id, t.calendar_id)
    where ${inPools}
    order by m.pool_id, m.position`.execute(db);
  const byPool = new Map<string, PoolMemberLoad[]>(poolIds.map((id) => [id, []]));
  for (const r of rows.rows)
    byPool.get(r.pool_id)!.push({
      userId: r.user_id,
      inOtherPools: r.in_other_pools,
      name: r.name,
      teamId: r.team_id,
      partnerId: r.partner_id,
      position: r.position,
      weight: r.weight,
      wipCap: r.wip_cap,
      ratePerDay: r.rate_per_day,
      ratePerWeek: r.rate_per_week,
      regions: r.regions,
      productLines: r.product_lines,
      status: r.status,
      away: r.away,
      calendar: r.time_zone ? { timeZone: r.time_zone, weeklyHours: r.weekly_hours!, holidays: r.holidays ?? [] } : null,
      openCount: r.open_count,
      assignedToday: r.assigned_today,
      assignedThisWeek: r.assigned_week,
      openByCap: r.open_by_cap ?? {},
    });
  return byPool;
}

// ---- the ledger ---------------------------------------------------------------------------------------

export const openAssignmentOf = (trx: Trx, recordType: string, recordId: string) =>
  trx
    .selectFrom('assignments')
    .selectAll()
    .where('record_type', '=', recordType)
    .where('record_id', '=', recordId)
    .where('closed_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();

export const findAssignment = (db: Executor, id: string) =>
  db.selectFrom('assignments').selectAll().where('id', '=', id).executeTakeFirst();

export async function closeAssignment(trx: Trx, id: string, at: Date, reason: string): Promise<void> {
  await trx
    .updateTable('assignments')
    .set({ closed_at: at, closed_reason: reason })
    .where('id', '=', id)
    .where('closed_at', 'is', null)
    .execute();
  await trx
    .updateTable('escalation_timers')
    .set({ state: 'cancelled', outcome: `assignment ${reason}` })
    .where('assignment_id', '=', id)
    .where('state', '=', 'pending')
    .execute();
}

/**
 * A ledger row as a batch decides it: the columns the batch shares (record type, actor, time) and those filled
 * in later (acknowledgement, closing) left out; fairness and explanation already serialised.
 */
export type LedgerRow = Omit<
  Selectable<AssignmentTable>,
  'record_type' | 'actor_id' | 'actor_label' | 'created_at' | 'acknowledged_at' | 'closed_at' | 'closed_reason' | 'fairness' | 'explanation'
> & { fairness: string | null; explanation: string };

/** The columns a new ledger row is written with, in insertAssignments' order. */
export const ASSIGNMENT_COLUMNS = [
  'id',
  'record_type',
  'record_id',
  'owner_id',
  'previous_owner_id',
  'team_id',
  'reason_code',
  'reason',
  'due_at',
  'source',
  'ruleset_id',
  'ruleset_number',
  'rule_id',
  'pool_id',
  'queue_id',
  'fairness',
  'explanation',
  'priority',
  'escalation_policy_id',
  'actor_id',
  'actor_label',
  'created_at',
] as const;

/**
 * Many ledger rows of one record type, decided by one actor at one time, as one INSERT … SELECT FROM unnest(column
 * arrays): a fixed parameter count whatever the row count, so binding and planning stay cheap.
 */
export async function insertAssignments(
  trx: Trx,
  common: { recordType: string; actorId: string | null; actorLabel: string; createdAt: Date },
  rows: LedgerRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const column = <K extends keyof LedgerRow>(key: K) => rows.map((r) => r[key]);
  await trx
    .insertInto('assignments')
    .columns([...ASSIGNMENT_COLUMNS])
    .expression(
      sql`select t.id, ${common.recordType}, t.record_id, t.owner_id, t.previous_owner_id, t.team_id, t.reason_code, t.reason, t.due_at, t.source, t.ruleset_id,
                 t.ruleset_number, t.rule_id, t.pool_id, t.queue_id, t.fairness::jsonb, e.explanation, t.priority, t.escalation_policy_id, ${common.actorId}::uuid,
                 ${common.actorLabel}, ${common.createdAt}::timestamptz
          from unnest(${column('id')}::uuid[], ${column('record_id')}::uuid[], ${column('owner_id')}::uuid[], ${column('previous_owner_id')}::uuid[],
                      ${column('team_id')}::uuid[], ${column('reason_code')}::text[], ${column('reason')}::text[], ${column('due_at')}::timestamptz[],
                      ${column('source')}::text[], ${column('ruleset_id')}::uuid[], ${column('ruleset_number')}::int[], ${column('rule_id')}::text[],
                      ${column('pool_id')}::uuid[], ${column('queue_id')}::uuid[], ${column('fairness')}::text[], ${column('priority')}::text[],
                      ${column('escalation_policy_id')}::uuid[])
                 with ordinality as t(id, record_id, owner_id, previous_owner_id, team_id, reason_code, reason, due_at, source, ruleset_id, ruleset_number,
                      rule_id, pool_id, queue_id, fairness, priority, escalation_policy_id, n)
          -- Explanations travel as one JSON array: a text[] of JSON documents costs far more to escape and parse.
          join jsonb_array_elements(${`[${column('explanation').join(',')}]`}::jsonb) with ordinality as e(explanation, n) on e.n = t.n`,
    )
    .execute();
}

export type TimerRow = { assignment_id: string; step_index: number; action: string; target: string | null; fire_at: Date };

/** Escalation timers from column arrays, one statement at any count. */
export async function insertTimers(trx: Trx, rows: TimerRow[]): Promise<void> {
  if (rows.length === 0) return;
  const column = <K extends keyof TimerRow>(key: K) => rows.map((r) => r[key]);
  await trx
    .insertInto('escalation_timers')
    .columns(['assignment_id', 'step_index', 'action', 'target', 'fire_at'])
    .expression(
      sql`select assignment_id, step_index, action, target::jsonb, fire_at
          from unnest(${column('assignment_id')}::uuid[], ${column('step_index')}::int[], ${column('action')}::text[], ${column('target')}::text[],
                      ${column('fire_at')}::timestamptz[]) as t(assignment_id, step_index, action, target, fire_at)`,
    )
    .execute();
}

export type PoolUpdate = { id: string; fairness: string; decisions: string };

/**
 * A new assignment and everything that goes with it, as one statement: the ledger row, the record pointing at
 * it (routing is the only writer of ownership; the owner-guard trigger checks the transaction-local flag set in
 * the same statement), its escalation timers, the owner's inbox entry, the record leaving the Unassigned queue,
 * and the deciding pool's fairness state. Foreign keys are checked at the end of the statement, when the
 * assignment the others point at exists.
 */
export async function writeAssignment(
  trx: Trx,
  write: {
    assignment: Insertable<Database['assignments']> & { id: string; record_type: RoutableRecordType; record_id: string; owner_id: string };
    timers: Insertable<Database['escalation_timers']>[];
    notification: Insertable<Database['notifications']>;
    clearQueue: boolean;
    poolUpdate: PoolUpdate | null;
  },
): Promise<AssignmentRow> {
  const { assignment: a, poolUpdate } = write;
  const table = sql.table(ROUTABLE_TABLES[a.record_type]);
  // Raw CTE bodies carry their own parentheses; query builders get them from Kysely.
  const noRows = sql<{ n: number }>`(select 1 as n where false)`;
  return trx
    .with(
      'owner_set',
      () =>
        sql<{ id: string }>`(update ${table} set owner_id = ${a.owner_id}, current_assignment_id = ${a.id}
                          from (select set_config('baton.ownership_writer', 'routing', true)) as w where ${table}.id = ${a.record_id} returning ${table}.id)`,
    )
    .with('timers', (db) => db.insertInto('escalation_timers').values(write.timers).returning('id'))
    .with('inbox', (db) => db.insertInto('notifications').values(write.notification).returning('id'))
    .with('queue_left', (db) =>
      write.clearQueue
        ? db
            .deleteFrom('unassigned_records')
            .where('record_type', '=', a.record_type)
            .where('record_id', '=', a.record_id)
            .returning('record_id')
        : noRows,
    )
    .with('pool_state', (db) =>
      poolUpdate
        ? db
            .updateTable('pools')
            .set({ fairness: poolUpdate.fairness, decisions: poolUpdate.decisions })
            .where('id', '=', poolUpdate.id)
            .returning('id')
        : noRows,
    )
    .insertInto('assignments')
    .values(a)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function markUnassigned(
  trx: Trx,
  row: {
    record_type: string;
    record_id: string;
    reason_code: string;
    reason: string;
    explanation: string;
    ruleset_id: string | null;
    since: Date;
  },
): Promise<void> {
  await trx
    .insertInto('unassigned_records')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['record_type', 'record_id']).doUpdateSet((eb) => ({
        reason_code: eb.ref('excluded.reason_code'),
        reason: eb.ref('excluded.reason'),
        explanation: eb.ref('excluded.explanation'),
        ruleset_id: eb.ref('excluded.ruleset_id'),
      })),
    )
    .execute();
}

export const clearUnassigned = (trx: Trx, recordType: string, recordId: string) =>
  trx.deleteFrom('unassigned_records').where('record_type', '=', recordType).where('record_id', '=', recordId).execute();

/** Display names for records in queues and reports; types routing does not describe fall back to their type. */
export async function recordTitles(db: Executor, refs: Array<{ recordType: string; recordId: string }>): Promise<Map<string, string>> {
  const titles = new Map<string, string>();
  const byType = new Map<string, string[]>();
  for (const r of refs) byType.set(r.recordType, [...(byType.get(r.recordType) ?? []), r.recordId]);
  for (const [type, ids] of byType) {
    const table = type === 'lead' ? 'leads' : type === 'account' ? 'accounts' : type === 'opportunity' ? 'opportunities' : null;
    if (!table) continue;
    const rows = await db
      .selectFrom(table)
      .select(['id', 'name'])
      .where('id', 'in', [...new Set(ids)])
      .execute();
    for (const row of rows) titles.set(`${type}:${row.id}`, row.name);
  }
  return titles;
}
