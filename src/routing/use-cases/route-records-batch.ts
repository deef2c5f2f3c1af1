import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import { assertCan } from '../../platform/access/can.js';
import type { AuditedChange } from '../../platform/audit/events.js';
import type { Trx } from '../../platform/db/database.js';
import { recordChanges } from '../../platform/record-change.js';
import { type UseCaseContext, actorOf, inTransaction } from '../../platform/use-case-context.js';
import { EscalationStepsSchema } from '../core/escalation.js';
import { compactExplanation, fieldsReadUpTo } from '../core/explanation.js';
import { type FairnessState, bulkSelect } from '../core/pool-selection.js';
import { ROUTABLE_TABLES, type RoutableRecordType } from '../core/record-types.js';
import {
  type GuardNote,
  REGISTERED_ACCOUNT_REASON,
  REGISTERED_ACCOUNT_REASON_CODE,
  guardNote,
  registeredAccountOf,
} from '../core/inbound-guard.js';
import type { Rule, RuleVerdict } from '../core/ruleset.js';
import { type Candidate, type CriteriaCapDefinition, capMatcher, poolMembersOf, resolveTarget } from '../resolve-target.js';
import {
  type LedgerRow,
  type TimerRow,
  activeChannelManagers,
  decisionInputs,
  findEscalationPolicy,
  findPeople,
  insertAssignments,
  insertTimers,
  lockMembersAndCountOpen,
  lockPools,
  poolsMembersWithLoad,
  savePoolsFairness,
} from '../store.js';
import { type Subject, lockSubjects } from '../subjects.js';
import { compactAssignment, dueDateFor, notifyAs, notifyMany, timersFor } from '../append-assignment.js';
import { type Explanation, type RoutingDecision, compiledRuleset, isCompiled, routeRecord } from './route-record.js';

export type BatchResult = { routed: number; assigned: number; unassigned: number; missing: number; byOwner: Record<string, number> };

/**
 * A chunk made of separate requests for records created in this transaction (leads created together, see
 * createLead) rather than one bulk run: each record is answered with its own decision and explanation, its audit
 * rows carry its own caller, and its owner gets one inbox entry per record, exactly as single routing does. The
 * records come as subjects: this transaction holds them already, and knows their facts.
 */
export type OneByOne = { contextOf: (recordId: string) => UseCaseContext; subjects: Subject[] };

export const CHUNK = 2_000;

/**
 * Bulk routing: the same decisions as `routeRecord`, made set-wise. Each chunk is one transaction that
 * locks its records, locks every pool it uses once, picks with `bulkSelect` (identical to picking one by one),
 * and writes ledger rows, owners, timers, notifications, outbox and audit with multi-row statements.
 */
export async function routeRecordsBatch(
  ctx: UseCaseContext,
  request: { recordType: RoutableRecordType; recordIds: string[]; previous?: Record<string, unknown> },
  onProgress?: (done: number) => void,
): Promise<BatchResult> {
  assertCan(ctx.actor, 'routing.route');
  const total = emptyResult();
  for (let i = 0; i < request.recordIds.length; i += CHUNK) {
    const chunk = request.recordIds.slice(i, i + CHUNK);
    addResult(total, await inTransaction(ctx, (trx) => routeChunk(trx, ctx, request.recordType, chunk, { previous: request.previous })));
    onProgress?.(Math.min(i + CHUNK, request.recordIds.length));
  }
  return total;
}

export const emptyResult = (): BatchResult => ({ routed: 0, assigned: 0, unassigned: 0, missing: 0, byOwner: {} });

export function addResult(total: BatchResult, result: BatchResult): void {
  total.routed += result.routed;
  total.assigned += result.assigned;
  total.unassigned += result.unassigned;
  total.missing += result.missing;
  for (const [owner, n] of Object.entries(result.byOwner)) total.byOwner[owner] = (total.byOwner[owner] ?? 0) + n;
}

type Placed = {
  subject: Subject;
  rule: Rule;
  ownerId: string;
  poolId: string | null;
  queueId: string | null;
  source: 'rule' | 'pool';
  reasonCode: string;
  candidates: Candidate[];
  path: string[];
  fairness: Record<string, unknown> | null;
  matchedIndex: number;
  fellBack: boolean;
  guard?: GuardNote;
};
type PoolItem = { subject: Subject; rule: Rule; matchedIndex: number };
type Missed = {
  subject: Subject;
  code: string;
  reason: string;
  explanation: { rules?: RuleVerdict[]; path?: string[]; candidates?: unknown[]; guard?: GuardNote };
  rulesetId: string | null;
  rule?: Rule;
};

/**
 * The inbound guard for a chunk of leads, with one channel-manager lookup for the whole chunk: leads on a
 * partner-owned or registered account are placed with the partner's channel manager before any rule runs;
 * the rest come back with the guard's note (if any) for their explanation.
 */
async function guardLeads(trx: Trx, subjects: Subject[], placed: Placed[]): Promise<{ rest: Subject[]; notes: Map<string, GuardNote> }> {
  const registered = subjects.map((subject) => ({ subject, registered: registeredAccountOf(subject.facts) }));
  const managers = await activeChannelManagers(
    trx,
    registered.flatMap((r) => (r.registered ? [r.registered.partnerId] : [])),
  );
  const rest: Subject[] = [];
  const notes = new Map<string, GuardNote>();
  for (const { subject, registered: reg } of registered) {
    if (!reg) {
      rest.push(subject);
      continue;
    }
    const guard = guardNote(reg, managers.get(reg.partnerId) ?? null);
    if (!guard.applied) {
      notes.set(subject.recordId, guard);
      rest.push(subject);
      continue;
    }
    const rule: Rule = { name: REGISTERED_ACCOUNT_REASON, then: { target: { type: 'user', id: guard.channelManagerId! } } };
    placed.push({
      subject,
      rule,
      ownerId: guard.channelManagerId!,
      poolId: null,
      queueId: null,
      source: 'rule',
      reasonCode: REGISTERED_ACCOUNT_REASON_CODE,
      candidates: [],
      path: [`guard:${REGISTERED_ACCOUNT_REASON_CODE}`, `partner:${guard.partnerId}`],
      fairness: null,
      matchedIndex: -1,
      fellBack: false,
      guard,
    });
  }
  return { rest, notes };
}

/**
 * One chunk, in the caller's transaction: lock, decide, write. With `unownedOnly`, records that gained an owner
 * since the caller chose them are left alone (counted as missing): the check is made on the locked rows.
 */
export async function routeChunk(
  trx: Trx,
  ctx: UseCaseContext,
  recordType: RoutableRecordType,
  ids: string[],
  options: { previous?: Record<string, unknown>; unownedOnly?: boolean; oneByOne?: OneByOne } = {},
): Promise<BatchResult & { decisions: Map<string, RoutingDecision> }> {
  const now = ctx.clock.now();
  const nowMs = now.getTime();
  const lockedRows = options.oneByOne?.subjects ?? (await lockSubjects(trx, recordType, ids, now, options.previous));
  const locked = options.unownedOnly ? lockedRows.filter((s) => s.ownerId === null) : lockedRows;
  const { policy, ruleset } = await decisionInputs(trx, recordType, (id) => isCompiled(id));
  const placed: Placed[] = [];
  const missed: Missed[] = [];
  const overflow: Subject[] = [];
  const { rest: subjects, notes } =
    recordType === 'lead' ? await guardLeads(trx, locked, placed) : { rest: locked, notes: new Map<string, GuardNote>() };
  if (!ruleset) {
    for (const subject of subjects)
      missed.push({
        subject,
        code: 'no_ruleset',
        reason: `no published ${recordType} rule set`,
        explanation: { rules: [] },
        rulesetId: null,
      });
  } else {
    const { rules, compiled } = compiledRuleset(ruleset.id, ruleset.rules as unknown as Rule[]);
    const byPool = new Map<string, PoolItem[]>();
    const explainRules = (subject: Subject) => compiled.explain(subject.facts, nowMs).rules;
    const resolvedTargets = new Map<string, Awaited<ReturnType<typeof resolveTarget>>>();
    for (const subject of subjects) {
      // Only the winner's index is needed to place: the verdicts are rendered on read (core/explanation.ts).
      const matchedIndex = compiled.match(subject.facts, nowMs);
      if (matchedIndex < 0) {
        missed.push({
          subject,
          code: 'no_rule_matched',
          reason: 'no rule matched',
          explanation: { rules: explainRules(subject) },
          rulesetId: ruleset.id,
        });
        continue;
      }
      const rule = rules[matchedIndex]!;
      const target = rule.then.target;
      if (target.type === 'pool') {
        const list = byPool.get(target.id) ?? [];
        list.push({ subject, rule, matchedIndex });
        byPool.set(target.id, list);
        continue;
      }
      // Fixed targets (a user, a queue) resolve the same for every record; relative ones depend on the record.
      const key = target.type === 'relative' ? null : `${target.type}:${target.id}`;
      const resolution = (key && resolvedTargets.get(key)) || (await resolveTarget(trx, target, subject.facts, now));
      if (key) resolvedTargets.set(key, resolution);
      if (resolution.placement) {
        const p = resolution.placement;
        placed.push({
          subject,
          rule,
          ownerId: p.ownerId,
          poolId: null,
          queueId: p.queueId,
          source: 'rule',
          reasonCode: p.reasonCode,
          candidates: [],
          path: resolution.path,
          fairness: null,
          matchedIndex,
          fellBack: resolution.fellBack,
        });
      } else {
        missed.push({
          subject,
          code: resolution.unassigned!.code,
          reason: resolution.unassigned!.reason,
          explanation: { rules: explainRules(subject), path: resolution.path, candidates: resolution.candidates },
          rulesetId: ruleset.id,
          rule,
        });
      }
    }
    await placeFromPools(trx, now, byPool, placed, missed, ruleset.id, explainRules, overflow);
  }
  for (const p of placed) if (!p.guard && notes.has(p.subject.recordId)) p.guard = notes.get(p.subject.recordId);
  for (const m of missed) if (notes.has(m.subject.recordId)) m.explanation = { ...m.explanation, guard: notes.get(m.subject.recordId) };
  const rows = await writeDecisions(trx, ctx, now, policy, ruleset, placed, missed, options.oneByOne);
  const byOwner: Record<string, number> = {};
  for (const p of placed) byOwner[p.ownerId] = (byOwner[p.ownerId] ?? 0) + 1;
  const decisions = options.oneByOne ? decisionsOf(now, ruleset, placed, rows, missed) : new Map<string, RoutingDecision>();
  let [assigned, unassigned] = [placed.length, missed.length];
  for (const subject of overflow) {
    const decision = await routeRecord(trx, options.oneByOne?.contextOf(subject.recordId) ?? ctx, {
      recordType,
      recordId: subject.recordId,
      previous: options.previous,
      fresh: options.oneByOne !== undefined,
      subject,
      inputs: { policy, ruleset },
    });
    if (options.oneByOne) decisions.set(subject.recordId, decision);
    if (decision.assignmentId) {
      assigned++;
      byOwner[decision.ownerId!] = (byOwner[decision.ownerId!] ?? 0) + 1;
    } else unassigned++;
  }
  return { routed: locked.length, assigned, unassigned, missing: ids.length - locked.length, byOwner, decisions };
}

/** Each record's answer, as single routing gives it: the full explanation with every rule's verdict. */
function decisionsOf(
  now: Date,
  ruleset: { id: string; number: number; rules: unknown } | null,
  placed: Placed[],
  rows: LedgerRow[],
  missed: Missed[],
): Map<string, RoutingDecision> {
  const compiled = ruleset ? compiledRuleset(ruleset.id, ruleset.rules as Rule[]).compiled : null;
  const evaluatedAt = now.toISOString();
  const decisions = new Map<string, RoutingDecision>();
  placed.forEach((p, i) => {
    const row = rows[i]!;
    const explanation: Explanation = {
      rules: p.guard?.applied || !compiled ? [] : compiled.explain(p.subject.facts, now.getTime()).rules,
      ...explanationParts(p, evaluatedAt),
    };
    decisions.set(p.subject.recordId, {
      recordType: p.subject.recordType,
      recordId: p.subject.recordId,
      outcome: p.fellBack ? 'fallback' : 'assigned',
      ownerId: p.ownerId,
      dueAt: row.due_at.toISOString(),
      reasonCode: p.reasonCode,
      reason: row.reason,
      rulesetId: row.ruleset_id,
      rulesetVersion: row.ruleset_number,
      ruleId: row.rule_id,
      poolId: p.poolId,
      explanation,
      assignmentId: row.id,
    });
  });
  for (const m of missed) decisions.set(m.subject.recordId, unassignedDecision(now, ruleset, m));
  return decisions;
}

/** What a placement's explanation says besides the rules' verdicts (stored compact, answered whole). */
const explanationParts = (p: Placed, evaluatedAt: string): Omit<Explanation, 'rules'> => ({
  target: p.rule.then.target,
  path: p.path,
  candidates: p.candidates,
  facts: p.subject.facts,
  evaluatedAt,
  ...(p.guard && { guard: p.guard }),
});

const unassignedDecision = (now: Date, ruleset: { id: string; number: number } | null, m: Missed): RoutingDecision => ({
  recordType: m.subject.recordType,
  recordId: m.subject.recordId,
  outcome: 'unassigned',
  ownerId: m.subject.ownerId,
  dueAt: null,
  reasonCode: m.code,
  reason: m.reason,
  rulesetId: ruleset?.id ?? null,
  rulesetVersion: ruleset?.number ?? null,
  ruleId: m.rule?.id ?? null,
  poolId: null,
  explanation: {
    rules: m.explanation.rules ?? [],
    target: m.rule?.then.target ?? null,
    path: m.explanation.path ?? [],
    candidates: (m.explanation.candidates ?? []) as Candidate[],
    facts: m.subject.facts,
    evaluatedAt: now.toISOString(),
    ...(m.explanation.guard && { guard: m.explanation.guard }),
  },
  assignmentId: null,
});

/**
 * Every pool the chunk uses, in four statements whatever their number: the pools locked (id order), their members
 * with load, the capped members shared with other pools locked and counted, and the new fairness states saved.
 * Pools pick in id order, each seeing the picks made before it. Records a pool cannot take are left in `overflow`:
 * routeChunk routes them one by one (routeRecord) after its own writes, so their fallback chain — other pools'
 * locks, counts and fairness pointers — sees everything this chunk placed.
 */
async function placeFromPools(
  trx: Trx,
  now: Date,
  byPool: Map<string, PoolItem[]>,
  placed: Placed[],
  missed: Missed[],
  rulesetId: string,
  explainRules: (subject: Subject) => RuleVerdict[],
  overflow: Subject[],
): Promise<void> {
  if (byPool.size === 0) return;
  const pools = new Map((await lockPools(trx, [...byPool.keys()])).map((pool) => [pool.id, pool]));
  const capsOf = (pool: { criteria_caps: unknown }) => pool.criteria_caps as CriteriaCapDefinition[];
  const capNames = [...new Set([...pools.values()].flatMap((pool) => capsOf(pool).map((cap) => cap.name)))];
  // A decision counts intake only for members with a rate cap, as single routing does.
  const loadsByPool = await poolsMembersWithLoad(trx, [...pools.keys()], now, capNames, 'decision');
  // As in single routing, a capped member who is also in another pool is counted under their own lock (the pool
  // lock does not cover work they get elsewhere); and this chunk's picks, not written yet, count too.
  const shared = await lockMembersAndCountOpen(
    trx,
    [...loadsByPool.values()].flat().flatMap((m) => (m.wipCap !== null && m.inOtherPools ? [m.userId] : [])),
  );
  const pendingOpen = new Map<string, number>();
  const saved: Array<{ id: string; fairness: unknown; decisions: number }> = [];
  const nowMs = now.getTime();
  for (const [poolId, items] of [...byPool.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const pool = pools.get(poolId);
    if (!pool) {
      for (const item of items)
        missed.push({
          subject: item.subject,
          code: 'target_missing',
          reason: 'the pool no longer exists',
          explanation: { rules: explainRules(item.subject) },
          rulesetId,
          rule: item.rule,
        });
      continue;
    }
    const caps = capsOf(pool);
    const loads = loadsByPool.get(poolId)!;
    for (const member of loads) member.openCount = (shared.get(member.userId) ?? member.openCount) + (pendingOpen.get(member.userId) ?? 0);
    const members = poolMembersOf(pool, loads, caps, now, () => false);
    const requests = items.map((i) => ({
      region: (i.subject.facts.region as string | null) ?? null,
      productLine: (i.subject.facts.productLine as string | null) ?? null,
      criteria: caps.filter((cap) => capMatcher(cap)(i.subject.facts, nowMs)).map((cap) => cap.name),
    }));
    const result = bulkSelect(
      { strategy: pool.strategy, returnPolicy: pool.return_policy, useSkills: pool.use_skills },
      members,
      pool.fairness as unknown as FairnessState,
      requests,
    );
    saved.push({
      id: pool.id,
      fairness: result.state,
      decisions: Number(pool.decisions) + result.selections.filter((pick) => pick.chosen).length,
    });
    for (const [i, pick] of result.selections.entries()) {
      const item = items[i]!;
      if (!pick.chosen) {
        overflow.push(item.subject);
        continue;
      }
      pendingOpen.set(pick.chosen, (pendingOpen.get(pick.chosen) ?? 0) + 1);
      placed.push({
        subject: item.subject,
        rule: item.rule,
        ownerId: pick.chosen,
        poolId: pool.id,
        queueId: null,
        source: 'pool',
        reasonCode: 'pool',
        candidates: pick.candidates as Candidate[],
        path: [`pool:${pool.id}`],
        fairness: { strategy: pool.strategy, batch: true, caps: requests[i]!.criteria },
        matchedIndex: item.matchedIndex,
        fellBack: false,
      });
    }
  }
  await savePoolsFairness(trx, saved);
}

async function writeDecisions(
  trx: Trx,
  ctx: UseCaseContext,
  now: Date,
  policy: Awaited<ReturnType<typeof decisionInputs>>['policy'],
  ruleset: { id: string; number: number; rules: unknown } | null,
  placed: Placed[],
  missed: Missed[],
  oneByOne: OneByOne | undefined,
): Promise<LedgerRow[]> {
  const actor = actorOf(ctx);
  let rows: LedgerRow[] = [];
  const rules = ruleset ? compiledRuleset(ruleset.id, ruleset.rules as Rule[]).rules : [];
  const readCache = new Map<number, string[]>();
  const readByRulesUpTo = (matchedIndex: number) => {
    let fields = readCache.get(matchedIndex);
    if (!fields) readCache.set(matchedIndex, (fields = fieldsReadUpTo(rules, matchedIndex)));
    return fields;
  };
  const people = await findPeople(trx, [...new Set(placed.map((p) => p.ownerId))]);
  const dueCache = new Map<string, Date>();
  const dueFor = (ownerId: string, slaHours: number) => {
    const key = `${ownerId}:${slaHours}`;
    let due = dueCache.get(key);
    if (!due) dueCache.set(key, (due = dueDateFor(people.get(ownerId)?.calendar ?? null, now, slaHours)));
    return due;
  };
  const changes: AuditedChange[] = [];
  if (placed.length) {
    const recordType = placed[0]!.subject.recordType;
    const ids = placed.map((p) => p.subject.recordId);
    // Records created in this transaction have no open assignment and are in no queue yet.
    const fresh = oneByOne !== undefined;
    const closed = fresh
      ? []
      : await trx
          .updateTable('assignments')
          .set({ closed_at: now, closed_reason: 'reassigned' })
          .where('record_type', '=', recordType)
          .where('record_id', 'in', ids)
          .where('closed_at', 'is', null)
          .returning(['id', 'record_id', 'owner_id'])
          .execute();
    if (closed.length)
      await trx
        .updateTable('escalation_timers')
        .set({ state: 'cancelled', outcome: 'assignment reassigned' })
        .where(
          'assignment_id',
          'in',
          closed.map((c) => c.id),
        )
        .where('state', '=', 'pending')
        .execute();
    const previousOwner = new Map(closed.map((c) => [c.record_id, c.owner_id]));
    const evaluatedAt = now.toISOString();
    rows = placed.map((p) => ({
      id: randomUUID(),
      record_id: p.subject.recordId,
      owner_id: p.ownerId,
      previous_owner_id: previousOwner.get(p.subject.recordId) ?? null,
      team_id: people.get(p.ownerId)?.teamId ?? null,
      reason_code: p.reasonCode,
      // Worded as single routing words it, so a fallback reads the same whichever path placed it.
      reason: p.fellBack ? `${p.rule.name} (fallback: ${p.path.join(' → ')})` : p.rule.name,
      due_at: dueFor(p.ownerId, p.rule.then.slaHours ?? Number(policy.default_sla_hours)),
      source: p.source,
      // The guard places without consulting the rule set.
      ruleset_id: p.guard?.applied ? null : (ruleset?.id ?? null),
      ruleset_number: p.guard?.applied ? null : (ruleset?.number ?? null),
      rule_id: p.rule.id ?? null,
      pool_id: p.poolId,
      queue_id: p.queueId,
      fairness: p.fairness ? JSON.stringify(p.fairness) : null,
      explanation: JSON.stringify(
        p.guard?.applied
          ? { rules: [], ...explanationParts(p, evaluatedAt) }
          : compactExplanation(explanationParts(p, evaluatedAt), 'all', readByRulesUpTo(p.matchedIndex)),
      ),
      priority: p.rule.then.priority ?? 'normal',
      escalation_policy_id: p.rule.then.escalationPolicyId ?? null,
    }));
    await insertAssignments(trx, { recordType, actorId: actor.id, actorLabel: actor.label, createdAt: now }, rows);
    // The owner guard trigger lets only routing write owner_id: the setting is made in the same statement.
    await sql`update ${sql.table(ROUTABLE_TABLES[recordType])} r
              set owner_id = v.owner_id, current_assignment_id = v.assignment_id
              from unnest(${rows.map((a) => a.record_id)}::uuid[], ${rows.map((a) => a.owner_id)}::uuid[], ${rows.map((a) => a.id)}::uuid[]) as v(record_id, owner_id, assignment_id),
                   (select set_config('baton.ownership_writer', 'routing', true)) as w
              where r.id = v.record_id`.execute(trx);
    if (!fresh) await trx.deleteFrom('unassigned_records').where('record_type', '=', recordType).where('record_id', 'in', ids).execute();
    await insertTimers(trx, await timersOf(trx, now, rows, people, Number(policy.due_soon_hours)));
    if (oneByOne) await notifyEach(trx, oneByOne, rows, placed, recordType);
    else await notifyOwners(trx, ctx, rows, recordType);
    for (const row of rows) {
      changes.push({
        event: 'assignment.created',
        entityType: recordType,
        entityId: row.record_id,
        reason: `${row.reason_code}: ${row.reason}`,
        before: row.previous_owner_id ? { ownerId: row.previous_owner_id } : null,
        after: compactAssignment(row),
      });
    }
  }
  if (missed.length) {
    for (let i = 0; i < missed.length; i += 1000) {
      await trx
        .insertInto('unassigned_records')
        .values(
          missed.slice(i, i + 1000).map((m) => ({
            record_type: m.subject.recordType,
            record_id: m.subject.recordId,
            reason_code: m.code,
            reason: m.reason,
            explanation: JSON.stringify(m.explanation),
            ruleset_id: m.rulesetId,
            since: now,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['record_type', 'record_id']).doUpdateSet((eb) => ({
            reason_code: eb.ref('excluded.reason_code'),
            reason: eb.ref('excluded.reason'),
            explanation: eb.ref('excluded.explanation'),
          })),
        )
        .execute();
    }
    for (const m of missed)
      changes.push({
        event: 'record.unassigned',
        entityType: m.subject.recordType,
        entityId: m.subject.recordId,
        reason: `${m.code}: ${m.reason}`,
        after: { reasonCode: m.code, ownerKept: m.subject.ownerId },
      });
  }
  if (!oneByOne) await recordChanges(trx, ctx, changes);
  else for (const change of changes) await recordChanges(trx, oneByOne.contextOf(change.entityId), [change]);
  return rows;
}

/** Single routing's inbox entry for every record ("… is yours"), in one insert, each emitted as its own caller. */
const notifyEach = (trx: Trx, oneByOne: OneByOne, rows: LedgerRow[], placed: Placed[], recordType: string): Promise<void> =>
  notifyAs(
    trx,
    rows.map((row, i) => ({
      ctx: oneByOne.contextOf(row.record_id),
      notification: {
        userId: row.owner_id,
        kind: 'assigned',
        recordType,
        recordId: row.record_id,
        title: `${placed[i]!.subject.title} is yours`,
        body: `${row.reason} — due ${row.due_at.toISOString()}`,
      },
    })),
  );

/** One inbox entry per owner per batch ("12 leads assigned to you"), not one per record. */
async function notifyOwners(trx: Trx, ctx: UseCaseContext, inserted: Array<{ owner_id: string }>, recordType: string): Promise<void> {
  const counts = new Map<string, number>();
  for (const a of inserted) counts.set(a.owner_id, (counts.get(a.owner_id) ?? 0) + 1);
  await notifyMany(
    trx,
    ctx,
    [...counts].map(([userId, n]) => ({
      userId,
      kind: 'assigned' as const,
      recordType,
      recordId: null,
      title: `${n} ${recordType}${n === 1 ? '' : 's'} assigned to you`,
      body: 'Routed in bulk; see My work.',
    })),
  );
}

/** The timers of every new assignment: its rule's escalation policy read once per policy, then as single routing arms them. */
async function timersOf(
  trx: Trx,
  now: Date,
  rows: LedgerRow[],
  people: Awaited<ReturnType<typeof findPeople>>,
  dueSoonHours: number,
): Promise<TimerRow[]> {
  const stepsByPolicy = new Map<string, ReturnType<typeof EscalationStepsSchema.parse>>();
  for (const id of new Set(rows.flatMap((r) => (r.escalation_policy_id ? [r.escalation_policy_id] : [])))) {
    stepsByPolicy.set(id, EscalationStepsSchema.parse((await findEscalationPolicy(trx, id))?.steps ?? []));
  }
  return rows.flatMap((a) =>
    timersFor(
      { id: a.id, due_at: a.due_at, created_at: now },
      people.get(a.owner_id)?.calendar ?? null,
      stepsByPolicy.get(a.escalation_policy_id ?? '') ?? [],
      dueSoonHours,
    ),
  );
}
