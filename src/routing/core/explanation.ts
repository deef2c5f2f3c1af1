import type { Condition } from './conditions.js';
import type { Facts } from './facts.js';
import type { GuardNote } from './inbound-guard.js';
import type { Rule, RuleVerdict } from './ruleset.js';

export type ExplainedCandidate = { userId: string; position: number; eligible: boolean; skipped?: string; detail?: string };

/** Why a record got its owner: the rule verdicts, the target and the path to a person, and the facts they read. */
export type Explanation = {
  rules: RuleVerdict[];
  target: unknown;
  path: string[];
  candidates: ExplainedCandidate[];
  facts: Record<string, unknown>;
  evaluatedAt: string;
  /** The inbound guard, when the lead's account is partner-owned or registered: whether it placed the lead, and why. */
  guard?: GuardNote;
};

/** Which rules of the version decided: all of them, or only its stage-transition rules (opportunity stage changes). */
export type RuleScope = 'all' | 'transitions';

type CandidateTuple = [userId: string, position: number, eligible: boolean, skipped: string | null, detail: string | null];

/**
 * The ledger's form of an explanation. The rule verdicts (more than half of it) are left out: a published rule set
 * version never changes, so evaluating it again on the stored facts at `evaluatedAt` gives the same verdicts. Of
 * the facts, only those the deciding rules read are kept (first match wins: the rules up to the winner); the pool's
 * candidates, which cannot be re-derived, are kept as tuples.
 */
export type StoredExplanation = Omit<Explanation, 'rules' | 'candidates'> & { ruleScope: RuleScope; candidates: CandidateTuple[] };

/** Every field path the conditions read, `changedTo` reading the previous value too. */
export function fieldsRead(conditions: Array<Condition | undefined>): string[] {
  const fields = new Set<string>();
  const visit = (c: Condition | undefined): void => {
    if (!c) return;
    if ('all' in c) c.all.forEach(visit);
    else if ('any' in c) c.any.forEach(visit);
    else if ('not' in c) visit(c.not);
    else {
      fields.add(c.field);
      if (c.op === 'changedTo') fields.add(`previous.${c.field}`);
    }
  };
  conditions.forEach(visit);
  return [...fields];
}

/** The fields the rules up to and including `matchedIndex` read: all a first-match evaluation can look at. */
export const fieldsReadUpTo = (rules: Array<Pick<Rule, 'when'>>, matchedIndex: number): string[] =>
  fieldsRead(rules.slice(0, matchedIndex + 1).map((r) => r.when as Condition | undefined));

/** The facts at those paths (a missing field stays missing), nested as in the facts. */
export function pickFacts(facts: Facts, paths: string[]): Facts {
  const picked: Facts = {};
  for (const path of paths) {
    const parts = path.split('.');
    let from: unknown = facts;
    let to: Record<string, unknown> = picked;
    for (const [i, part] of parts.entries()) {
      if (from === null || typeof from !== 'object' || !Object.hasOwn(from, part)) break;
      const value = (from as Record<string, unknown>)[part];
      if (i === parts.length - 1 || value === null || typeof value !== 'object') {
        to[part] = value;
        break;
      }
      // A whole object already copied (a rule read it entire) holds its fields: never write into the facts themselves.
      if (to[part] === value) break;
      to = (to[part] ??= {}) as Record<string, unknown>;
      from = value;
    }
  }
  return picked;
}

/** What to store; explanations without rule verdicts (the guard placed, no rule set) are stored whole. */
export function storedExplanation(explanation: Explanation, scope: RuleScope, factsRead: string[]): Explanation | StoredExplanation {
  if (explanation.rules.length === 0) return explanation;
  const { rules: _derived, ...rest } = explanation;
  return compactExplanation(rest, scope, factsRead);
}

/** The stored form straight from its parts, for callers that never computed the verdicts (bulk routing). */
export function compactExplanation(parts: Omit<Explanation, 'rules'>, scope: RuleScope, factsRead: string[]): StoredExplanation {
  const { candidates, facts, ...kept } = parts;
  return {
    ...kept,
    facts: pickFacts(facts, factsRead),
    candidates: candidates.map((c): CandidateTuple => [c.userId, c.position, c.eligible, c.skipped ?? null, c.detail ?? null]),
    ruleScope: scope,
  };
}

export const isStoredExplanation = (value: unknown): value is StoredExplanation =>
  typeof value === 'object' && value !== null && !('rules' in value) && 'ruleScope' in value && 'facts' in value && 'evaluatedAt' in value;

/** The full explanation again, with the verdicts of `explain` (the row's rule set version in the stored scope). */
export function renderExplanation(stored: StoredExplanation, explain: (facts: Facts, now: number) => RuleVerdict[]): Explanation {
  const { ruleScope: _scope, candidates, ...kept } = stored;
  return {
    rules: explain(stored.facts, Date.parse(stored.evaluatedAt)),
    ...kept,
    candidates: candidates.map(([userId, position, eligible, skipped, detail]) => ({
      userId,
      position,
      eligible,
      ...(skipped === null ? {} : { skipped }),
      ...(detail === null ? {} : { detail }),
    })),
  };
}
