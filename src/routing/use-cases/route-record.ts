import { assertCan } from '../../platform/access/can.js';
import type { Trx } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { appendAssignment } from '../append-assignment.js';
import {
  type GuardNote,
  REGISTERED_ACCOUNT_REASON,
  REGISTERED_ACCOUNT_REASON_CODE,
  guardNote,
  registeredAccountOf,
} from '../core/inbound-guard.js';
import { type Explanation, fieldsReadUpTo, storedExplanation } from '../core/explanation.js';
import type { RoutableRecordType } from '../core/record-types.js';
import { type Rule, compileRuleSet } from '../core/ruleset.js';
import { usesChangedTo } from '../core/stages.js';
import { resolveTarget } from '../resolve-target.js';
import { type DecisionInputs, activeChannelManagers, decisionInputs, markUnassigned, publishedRuleset } from '../store.js';
import { type Subject, lockSubject } from '../subjects.js';

export type RoutingDecision = {
  recordType: RoutableRecordType;
  recordId: string;
  outcome: 'assigned' | 'fallback' | 'unassigned';
  ownerId: string | null;
  dueAt: string | null;
  reasonCode: string;
  reason: string;
  rulesetId: string | null;
  rulesetVersion: number | null;
  ruleId: string | null;
  poolId: string | null;
  explanation: Explanation;
  assignmentId: string | null;
};

export type { Explanation };

type CompiledRuleset = { rules: Rule[]; compiled: ReturnType<typeof compileRuleSet> };
// Published rule sets never change, so each is compiled once per process and reused by every decision.
const compiledById = new Map<string, CompiledRuleset>();

const compiledKey = (id: string, transitionsOnly: boolean) => (transitionsOnly ? `${id}:transitions` : id);

/** Whether this process has compiled a rule set version already (then its rules need not be read again). */
export const isCompiled = (id: string, transitionsOnly = false) => compiledById.has(compiledKey(id, transitionsOnly));

/** The compiled form of a published version; `rules` may be null once this process has compiled it. */
export function compiledRuleset(id: string, rules: Rule[] | null, transitionsOnly = false): CompiledRuleset {
  const key = compiledKey(id, transitionsOnly);
  let entry = compiledById.get(key);
  if (!entry) {
    if (!rules) throw new Error(`rule set ${id} is not compiled yet and its rules were not read`);
    const chosen = transitionsOnly ? rules.filter((r) => usesChangedTo(r.when as never)) : rules;
    compiledById.set(key, (entry = { rules: chosen, compiled: compileRuleSet(chosen) }));
  }
  return entry;
}

/**
 * A stage change re-routes only through the rule set's transition rules (those using `changedTo`): an
 * opportunity keeps its owner on ordinary progress, and moves when a rule says this stage belongs elsewhere.
 */
export async function routeOnStageChange(
  trx: Trx,
  ctx: UseCaseContext,
  request: { recordId: string; previous: { stage: string } },
): Promise<RoutingDecision | null> {
  const ruleset = await publishedRuleset(trx, 'opportunity');
  if (!ruleset) return null;
  const subject = await lockSubject(trx, 'opportunity', request.recordId, ctx.clock.now(), request.previous);
  if (!subject) throw new AppError('not_found', 'No such opportunity.');
  const { compiled } = compiledRuleset(ruleset.id, ruleset.rules as unknown as Rule[], true);
  if (compiled.match(subject.facts, ctx.clock.now().getTime()) < 0) return null;
  return routeRecord(trx, ctx, {
    recordType: 'opportunity',
    recordId: request.recordId,
    previous: request.previous,
    transitionsOnly: true,
  });
}

/** `POST /routing/route`: re-route one record now (e.g. after a rule change). */
export async function routeRecordNow(
  ctx: UseCaseContext,
  request: { recordType: RoutableRecordType; recordId: string },
): Promise<RoutingDecision> {
  assertCan(ctx.actor, 'routing.route');
  return inTransaction(ctx, (trx) => routeRecord(trx, ctx, request));
}

/**
 * Decides and records the owner of one record inside the caller's transaction: the record is locked, the
 * published rule set picks a target (first match wins), the target yields a person (pools lock their row),
 * and the ledger gets the assignment with its explanation — or the record joins the Unassigned queue with a
 * reason. Other features call this for their routable records.
 */
export async function routeRecord(
  trx: Trx,
  ctx: UseCaseContext,
  request: {
    recordType: RoutableRecordType;
    recordId: string;
    previous?: Record<string, unknown>;
    transitionsOnly?: boolean;
    facts?: Record<string, unknown>;
    /** Created in this transaction: no open assignment to close, not in the Unassigned queue. */
    fresh?: boolean;
    /** The record as its creator built it in this transaction (already locked by the insert). */
    subject?: Subject;
    /** The policy and published rule set, when the caller read them in this transaction already. */
    inputs?: DecisionInputs;
  },
): Promise<RoutingDecision> {
  const now = ctx.clock.now();
  const subject = request.subject ?? (await lockSubject(trx, request.recordType, request.recordId, now, request.previous, request.facts));
  if (!subject) throw new AppError('not_found', `No such ${request.recordType}.`);
  const guard = subject.recordType === 'lead' ? await inboundGuard(trx, subject) : null;
  if (guard?.applied) return placeByGuard(trx, ctx, subject, guard, now, request.fresh);
  const noted = guard ? { guard } : {};
  const transitionsOnly = request.transitionsOnly ?? false;
  // Read before the target's pool lock is taken: every statement after it is paid by the decisions queued behind.
  const { policy, ruleset } = request.inputs ?? (await decisionInputs(trx, request.recordType, (id) => isCompiled(id, transitionsOnly)));
  if (!ruleset)
    return unassigned(
      trx,
      ctx,
      subject,
      null,
      { code: 'no_ruleset', reason: `no published ${request.recordType} rule set` },
      { ...emptyExplanation(subject, now), ...noted },
    );

  const { rules, compiled } = compiledRuleset(ruleset.id, ruleset.rules as unknown as Rule[] | null, transitionsOnly);
  const explained = compiled.explain(subject.facts, now.getTime());
  const base = { rules: explained.rules, facts: subject.facts, evaluatedAt: now.toISOString(), ...noted };
  if (explained.matchedIndex < 0) {
    return unassigned(
      trx,
      ctx,
      subject,
      ruleset,
      { code: 'no_rule_matched', reason: 'no rule matched' },
      { ...base, target: null, path: [], candidates: [] },
    );
  }
  const rule = rules[explained.matchedIndex]!;
  const resolution = await resolveTarget(trx, rule.then.target, subject.facts, now);
  const explanation: Explanation = { ...base, target: rule.then.target, path: resolution.path, candidates: resolution.candidates };
  if (!resolution.placement) return unassigned(trx, ctx, subject, ruleset, resolution.unassigned!, explanation, rule.id ?? null);

  const placement = resolution.placement;
  const reason = resolution.fellBack ? `${rule.name} (fallback: ${resolution.path.join(' → ')})` : rule.name;
  const assignment = await appendAssignment(trx, ctx, {
    recordType: subject.recordType,
    recordId: subject.recordId,
    ownerId: placement.ownerId,
    owner: placement.owner,
    policy,
    fresh: request.fresh,
    poolUpdate: placement.poolUpdate,
    source: placement.source,
    reasonCode: placement.reasonCode,
    reason,
    slaHours: rule.then.slaHours ?? null,
    escalationPolicyId: rule.then.escalationPolicyId ?? null,
    priority: rule.then.priority ?? 'normal',
    rulesetId: ruleset.id,
    rulesetNumber: ruleset.number,
    ruleId: rule.id ?? null,
    poolId: placement.poolId,
    queueId: placement.queueId,
    fairness: placement.fairness,
    explanation: storedExplanation(explanation, transitionsOnly ? 'transitions' : 'all', fieldsReadUpTo(rules, explained.matchedIndex)),
    title: subject.title,
  });
  return {
    recordType: subject.recordType,
    recordId: subject.recordId,
    outcome: resolution.fellBack ? 'fallback' : 'assigned',
    ownerId: placement.ownerId,
    dueAt: assignment.due_at.toISOString(),
    reasonCode: placement.reasonCode,
    reason,
    rulesetId: ruleset.id,
    rulesetVersion: ruleset.number,
    ruleId: rule.id ?? null,
    poolId: placement.poolId,
    explanation,
    assignmentId: assignment.id,
  };
}

/** The inbound guard's verdict for a lead: null when its account is neither partner-owned nor registered. */
export async function inboundGuard(trx: Trx, subject: Subject): Promise<GuardNote | null> {
  const registered = registeredAccountOf(subject.facts);
  if (!registered) return null;
  const managers = await activeChannelManagers(trx, [registered.partnerId]);
  return guardNote(registered, managers.get(registered.partnerId) ?? null);
}

/** A registered account's lead goes to the partner's channel manager; no rule is consulted. */
async function placeByGuard(
  trx: Trx,
  ctx: UseCaseContext,
  subject: Subject,
  guard: GuardNote,
  now: Date,
  fresh?: boolean,
): Promise<RoutingDecision> {
  const explanation: Explanation = {
    rules: [],
    target: { type: 'user', id: guard.channelManagerId },
    path: [`guard:${REGISTERED_ACCOUNT_REASON_CODE}`, `partner:${guard.partnerId}`],
    candidates: [],
    facts: subject.facts,
    evaluatedAt: now.toISOString(),
    guard,
  };
  const assignment = await appendAssignment(trx, ctx, {
    recordType: subject.recordType,
    recordId: subject.recordId,
    ownerId: guard.channelManagerId!,
    fresh,
    source: 'rule',
    reasonCode: REGISTERED_ACCOUNT_REASON_CODE,
    reason: REGISTERED_ACCOUNT_REASON,
    explanation,
    title: subject.title,
  });
  return {
    recordType: subject.recordType,
    recordId: subject.recordId,
    outcome: 'assigned',
    ownerId: assignment.owner_id,
    dueAt: assignment.due_at.toISOString(),
    reasonCode: REGISTERED_ACCOUNT_REASON_CODE,
    reason: REGISTERED_ACCOUNT_REASON,
    rulesetId: null,
    rulesetVersion: null,
    ruleId: null,
    poolId: null,
    explanation,
    assignmentId: assignment.id,
  };
}

const emptyExplanation = (subject: Subject, now: Date): Explanation => ({
  rules: [],
  target: null,
  path: [],
  candidates: [],
  facts: subject.facts,
  evaluatedAt: now.toISOString(),
});

/**
 * Nobody could be placed. A record that already has an owner keeps them (it is never left ownerless) and
 * the gap is still reported in the Unassigned queue so a manager sees it.
 */
async function unassigned(
  trx: Trx,
  ctx: UseCaseContext,
  subject: Subject,
  ruleset: { id: string; number: number } | null,
  why: { code: string; reason: string },
  explanation: Explanation,
  ruleId: string | null = null,
): Promise<RoutingDecision> {
  await markUnassigned(trx, {
    record_type: subject.recordType,
    record_id: subject.recordId,
    reason_code: why.code,
    reason: why.reason,
    explanation: JSON.stringify(explanation),
    ruleset_id: ruleset?.id ?? null,
    since: ctx.clock.now(),
  });
  await recordChange(trx, ctx, {
    event: 'record.unassigned',
    entityType: subject.recordType,
    entityId: subject.recordId,
    reason: `${why.code}: ${why.reason}`,
    after: { reasonCode: why.code, ownerKept: subject.ownerId },
  });
  return {
    recordType: subject.recordType,
    recordId: subject.recordId,
    outcome: 'unassigned',
    ownerId: subject.ownerId,
    dueAt: null,
    reasonCode: why.code,
    reason: why.reason,
    rulesetId: ruleset?.id ?? null,
    rulesetVersion: ruleset?.number ?? null,
    ruleId,
    poolId: null,
    explanation,
    assignmentId: null,
  };
}
