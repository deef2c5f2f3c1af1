import { assertCan } from '../../platform/access/can.js';
import type { Trx } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { type RuleVerdict, type Rule, compileRuleSet, isCatchAll } from '../core/ruleset.js';
import { type SimulatedRecord, type SimulationSummary, summarizeSimulation } from '../core/simulation-summary.js';
import { assertValidRules, withRuleIds } from '../ruleset-checks.js';
import type { SimulateInput } from '../schemas.js';
import { ReadOnlyResolver, readOnly } from '../simulation.js';
import { findRuleset } from '../store.js';
import { readSubjects } from '../subjects.js';

export const SIMULATION_LIMIT = 5000;

export type SimulatedDecision = SimulatedRecord & {
  title: string;
  changed: boolean;
  unassigned: { code: string; reason: string } | null;
  path: string[];
  rules: RuleVerdict[];
};
export type SimulationResult = { recordType: string; rulesetId: string | null; evaluatedAt: string; truncated: boolean; summary: SimulationSummary; decisions: SimulatedDecision[] };

/**
 * A draft (or any version, or rules typed into the editor) run against real records — chosen ones or those
 * created in the last N days — inside a read-only transaction: pools advance in memory only, nothing is
 * written, and the answer says who would own what, how many owners change and who would go over cap.
 */
export async function simulateRuleset(ctx: UseCaseContext, input: SimulateInput): Promise<SimulationResult> {
  assertCan(ctx.actor, 'routing.simulate');
  const now = ctx.clock.now();
  return readOnly(ctx.db, async (trx) => {
    const rules = await rulesToSimulate(trx, input);
    const ids = input.recordIds ?? (await recentRecordIds(trx, input.recordType, new Date(now.getTime() - input.sinceDays! * 86_400_000)));
    const subjects = await readSubjects(trx, input.recordType, ids.slice(0, SIMULATION_LIMIT), now);
    const compiled = compileRuleSet(rules);
    const resolver = new ReadOnlyResolver(trx, now);
    const decisions: SimulatedDecision[] = [];
    for (const subject of subjects) {
      const explained = compiled.explain(subject.facts, now.getTime());
      const rule = explained.matchedIndex >= 0 ? rules[explained.matchedIndex]! : null;
      const placement = rule ? await resolver.resolve(rule.then.target, subject.facts) : null;
      const projectedOwnerId = placement?.ownerId ?? null;
      decisions.push({
        recordId: subject.recordId,
        title: subject.title,
        currentOwnerId: subject.ownerId,
        projectedOwnerId,
        ruleId: rule?.id ?? null,
        ruleName: rule?.name ?? null,
        catchAll: rule ? isCatchAll(rule) : false,
        poolId: placement?.poolId ?? null,
        changed: projectedOwnerId !== subject.ownerId,
        unassigned: rule ? (placement?.unassigned ?? null) : { code: 'no_rule_matched', reason: 'no rule matched' },
        path: placement?.path ?? [],
        rules: explained.rules,
      });
    }
    const ruleOrder = rules.map((r) => ({ id: r.id!, name: r.name, catchAll: isCatchAll(r) }));
    return {
      recordType: input.recordType,
      rulesetId: input.rulesetId ?? null,
      evaluatedAt: now.toISOString(),
      truncated: ids.length > SIMULATION_LIMIT,
      summary: summarizeSimulation(decisions, resolver.memberLoads(), ruleOrder),
      decisions,
    };
  });
}

async function rulesToSimulate(trx: Trx, input: SimulateInput): Promise<Rule[]> {
  if (input.rules) {
    const rules = withRuleIds(input.rules);
    await assertValidRules(trx, input.recordType, rules, { forPublish: false });
    return rules;
  }
  const ruleset = await findRuleset(trx, input.rulesetId!);
  if (!ruleset) throw notFound('rule set');
  if (ruleset.record_type !== input.recordType) throw new AppError('validation_failed', `rulesetId: this rule set routes ${ruleset.record_type} records`, [{ path: 'rulesetId', message: `routes ${ruleset.record_type} records, not ${input.recordType}` }]);
  return ruleset.rules as unknown as Rule[];
}

async function recentRecordIds(trx: Trx, recordType: SimulateInput['recordType'], since: Date): Promise<string[]> {
  const table = recordType === 'lead' ? 'leads' : recordType === 'account' ? 'accounts' : 'opportunities';
  const rows = await trx.selectFrom(table).select('id').where('created_at', '>=', since).orderBy('created_at', 'desc').limit(SIMULATION_LIMIT + 1).execute();
  return rows.map((r) => r.id);
}
