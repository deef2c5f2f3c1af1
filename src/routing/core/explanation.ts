import type { GuardNote } from './inbound-guard.js';
import type { RuleVerdict } from './ruleset.js';

/** Why a record got its owner: the rule verdicts, the target and the path to a person, and the facts they read. */
export type Explanation = {
  rules: RuleVerdict[];
  target: unknown;
  path: string[];
  candidates: Array<{ userId: string; position: number; eligible: boolean; skipped?: string; detail?: string }>;
  facts: Record<string, unknown>;
  evaluatedAt: string;
  /** The inbound guard, when the lead's account is partner-owned or registered: whether it placed the lead, and why. */
  guard?: GuardNote;
};

/** Which rules of the version decided: all of them, or only its stage-transition rules (opportunity stage changes). */
export type RuleScope = 'all' | 'transitions';

/**
 * The ledger's form of an explanation. The rule verdicts (more than half of it) are left out: a published rule set
 * version never changes, so evaluating it again on the stored facts at `evaluatedAt` gives the same verdicts.
 * Everything that cannot be re-derived (facts, the pool's candidates with their loads and skip reasons) is kept.
 */
export type StoredExplanation = Omit<Explanation, 'rules'> & { ruleScope: RuleScope };

/** What to store; explanations without rule verdicts (the guard placed, no rule set) are stored whole. */
export function storedExplanation(explanation: Explanation, scope: RuleScope): Explanation | StoredExplanation {
  if (explanation.rules.length === 0) return explanation;
  const { rules: _derived, ...kept } = explanation;
  return { ...kept, ruleScope: scope };
}

export const isStoredExplanation = (value: unknown): value is StoredExplanation =>
  typeof value === 'object' && value !== null && !('rules' in value) && 'ruleScope' in value && 'facts' in value && 'evaluatedAt' in value;

/** The full explanation again, with the verdicts of `explain` (the row's rule set version in the stored scope). */
export function renderExplanation(
  stored: StoredExplanation,
  explain: (facts: Record<string, unknown>, now: number) => RuleVerdict[],
): Explanation {
  const { ruleScope: _scope, ...kept } = stored;
  return { rules: explain(stored.facts, Date.parse(stored.evaluatedAt)), ...kept };
}
