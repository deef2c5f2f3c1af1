import type { Executor } from '../platform/db/database.js';
import { isStoredExplanation, renderExplanation } from './core/explanation.js';
import type { Rule } from './core/ruleset.js';
import { compiledRuleset } from './use-cases/route-record.js';

/**
 * Ledger rows with their explanations rendered whole (see core/explanation.ts): one rule-set read for all the
 * rows, whichever versions they were decided by. Rows stored whole, and other kinds (manual, escalation), pass
 * through unchanged.
 */
export async function withRenderedExplanations<T extends { ruleset_id: string | null; explanation: unknown }>(
  db: Executor,
  rows: T[],
): Promise<T[]> {
  const ids = [...new Set(rows.flatMap((r) => (r.ruleset_id && isStoredExplanation(r.explanation) ? [r.ruleset_id] : [])))];
  if (ids.length === 0) return rows;
  const rulesets = new Map(
    (await db.selectFrom('rulesets').select(['id', 'rules']).where('id', 'in', ids).execute()).map((r) => [
      r.id,
      r.rules as unknown as Rule[],
    ]),
  );
  return rows.map((row) => {
    const stored = row.explanation;
    const rules = row.ruleset_id ? rulesets.get(row.ruleset_id) : undefined;
    if (!isStoredExplanation(stored) || !rules) return row;
    const { compiled } = compiledRuleset(row.ruleset_id!, rules, stored.ruleScope === 'transitions');
    return { ...row, explanation: renderExplanation(stored, (facts, now) => compiled.explain(facts, now).rules) };
  });
}
