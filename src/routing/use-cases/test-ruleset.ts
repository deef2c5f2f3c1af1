import { assertCan } from '../../platform/access/can.js';
import { AppError, notFound } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import type { RoutableRecordType } from '../core/record-types.js';
import { type Rule, type RuleVerdict, compileRuleSet } from '../core/ruleset.js';
import { assertValidRules, withRuleIds } from '../ruleset-checks.js';
import { ReadOnlyResolver, type SimulatedPlacement, readOnly } from '../simulation.js';
import { findRuleset } from '../store.js';
import { readSubjects } from '../subjects.js';

export type RuleTestResult = {
  facts: Record<string, unknown>;
  matchedRule: { id: string | null; name: string } | null;
  rules: RuleVerdict[];
  placement: SimulatedPlacement | null;
};

/**
 * "Test a record" in the editor: one record (or hand-typed facts) through a rule set, showing each rule's
 * verdict with the actual values and who the target would pick right now. Writes nothing.
 */
export async function testRuleset(
  ctx: UseCaseContext,
  request: { recordType: RoutableRecordType; rulesetId?: string; rules?: Rule[]; recordId?: string; facts?: Record<string, unknown> },
): Promise<RuleTestResult> {
  assertCan(ctx.actor, 'ruleset.read');
  const now = ctx.clock.now();
  return readOnly(ctx.db, async (trx) => {
    let rules: Rule[];
    if (request.rules) {
      rules = withRuleIds(request.rules);
      await assertValidRules(trx, request.recordType, rules, { forPublish: false });
    } else {
      const ruleset = await findRuleset(trx, request.rulesetId!);
      if (!ruleset || ruleset.record_type !== request.recordType) throw notFound('rule set');
      rules = ruleset.rules as unknown as Rule[];
    }
    let facts = request.facts;
    if (request.recordId) {
      const [subject] = await readSubjects(trx, request.recordType, [request.recordId], now);
      if (!subject) throw notFound(request.recordType);
      facts = subject.facts;
    }
    if (!facts) throw new AppError('validation_failed', 'recordId: give a recordId or facts', [{ path: 'recordId', message: 'give a recordId or facts' }]);
    const explained = compileRuleSet(rules).explain(facts, now.getTime());
    const rule = explained.matchedIndex >= 0 ? rules[explained.matchedIndex]! : null;
    const placement = rule ? await new ReadOnlyResolver(trx, now).resolve(rule.then.target, facts) : null;
    return { facts, matchedRule: rule ? { id: rule.id ?? null, name: rule.name } : null, rules: explained.rules, placement };
  });
}
