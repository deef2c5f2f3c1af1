/**
 * Rule evaluation: our compiled rule set (match and explain) vs json-rules-engine on the same 31 rules and the
 * same facts (the 8,800 CRM deals as leads, cycled to n evaluations), in the same process.
 *
 * Fairness: json-rules-engine gets each rule with a distinct priority (first rule highest) and a `success`
 * handler that calls `engine.stop()`, so it evaluates in order and stops at the first match — the same
 * first-match-wins work ours does. Nested account fields are handed to it as flat facts ("account.segment"),
 * so it pays no JSON-path lookups; both engines get their facts prebuilt outside the timed loop. Every fact's
 * winning rule is compared between the two engines.
 * Usage: npx tsx bench/rules.ts [--n 105600]
 */
import { Engine, type NestedCondition, type TopLevelCondition } from 'json-rules-engine';
import type { Condition } from '../src/routing/core/conditions.js';
import type { Facts } from '../src/routing/core/facts.js';
import { type Rule, compileRuleSet } from '../src/routing/core/ruleset.js';
import { type BenchOptions, crmFacts, crmLeadRules, isMain, numberArg, percentiles, round } from './support.js';

const JRE_OPERATORS: Record<string, string> = { eq: 'equal', neq: 'notEqual', in: 'in', nin: 'notIn', gt: 'greaterThan', gte: 'greaterThanInclusive', lt: 'lessThan', lte: 'lessThanInclusive' };

/** Our DSL → json-rules-engine conditions, operator by operator. */
function toJre(condition: Condition): NestedCondition {
  if ('all' in condition) return { all: condition.all.map(toJre) };
  if ('any' in condition) return { any: condition.any.map(toJre) };
  if ('not' in condition) return { not: toJre(condition.not) };
  if (condition.op === 'between') {
    const [lo, hi] = condition.value as [number, number];
    return { all: [toJre({ field: condition.field, op: 'gte', value: lo }), toJre({ field: condition.field, op: 'lte', value: hi })] };
  }
  if (condition.op === 'exists') return { fact: condition.field, operator: 'exists', value: true };
  const operator = JRE_OPERATORS[condition.op];
  if (!operator) throw new Error(`no json-rules-engine equivalent for ${condition.op}`);
  return { fact: condition.field, operator, value: condition.value as never };
}

const topLevel = (condition: Condition | undefined): TopLevelCondition => {
  const converted = condition ? toJre(condition) : { all: [] };
  return 'all' in converted || 'any' in converted || 'not' in converted ? (converted as TopLevelCondition) : { all: [converted] };
};

export function jsonRulesEngine(rules: Rule[]): { engine: Engine; firstMatch(facts: Record<string, unknown>): Promise<number> } {
  const engine = new Engine([], { allowUndefinedFacts: true });
  engine.addOperator('exists', (actual: unknown) => actual !== undefined && actual !== null && actual !== '');
  rules.forEach((rule, i) => engine.addRule({ name: rule.name, priority: rules.length - i, conditions: topLevel(rule.when), event: { type: 'matched', params: { index: i } } }));
  engine.on('success', () => {
    engine.stop();
  });
  return {
    engine,
    firstMatch: async (facts) => {
      const { events } = await engine.run(facts);
      return events.length ? (events[0]!.params!.index as number) : -1;
    },
  };
}

/** json-rules-engine reads facts by id: account fields become flat "account.x" facts. */
function flatten(facts: Facts): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(facts)) {
    if (key === 'account' && value && typeof value === 'object') for (const [k, v] of Object.entries(value)) flat[`account.${k}`] = v;
    else if (key !== 'account') flat[key] = value;
  }
  return flat;
}

export type RulesBenchResult = Awaited<ReturnType<typeof runRulesBench>>;

export async function runRulesBench(options: BenchOptions = {}) {
  const now = Date.UTC(2026, 10, 23, 12);
  const facts = crmFacts(now);
  const n = options.n ?? facts.length * 12;
  const rules = crmLeadRules({
    pools: { Central: '00000000-0000-4000-8000-00000000000c', East: '00000000-0000-4000-8000-00000000000e', West: '00000000-0000-4000-8000-00000000000f' },
    strategicPool: '00000000-0000-4000-8000-000000000005',
    triageQueue: '00000000-0000-4000-8000-000000000007',
    nurtureQueue: '00000000-0000-4000-8000-000000000008',
  });
  const total = 5;
  const progress = (step: number) => options.onProgress?.(step, total);
  const compileStarted = performance.now();
  const compiled = compileRuleSet(rules);
  const compileMs = performance.now() - compileStarted;
  const flatFacts = facts.map(flatten);
  const jre = jsonRulesEngine(rules);

  // Warm both engines so the JIT has seen every path before anything is timed.
  for (let i = 0; i < Math.min(n, 20_000); i++) compiled.explain(facts[i % facts.length]!, now);
  for (let i = 0; i < Math.min(n, 500); i++) await jre.firstMatch(flatFacts[i % facts.length]!);
  progress(1);

  // Throughput: untimed tight loops. The checksum keeps the work observable so it cannot be optimised away.
  let checksum = 0;
  let started = performance.now();
  for (let i = 0; i < n; i++) checksum += compiled.match(facts[i % facts.length]!, now);
  const matchMs = performance.now() - started;
  started = performance.now();
  for (let i = 0; i < n; i++) checksum += compiled.explain(facts[i % facts.length]!, now).matchedIndex;
  const explainMs = performance.now() - started;
  progress(2);

  // Latency: each evaluation timed on its own; the timer's own cost is measured and reported beside it.
  const timerSamples = new Float64Array(Math.min(n, 100_000));
  for (let i = 0; i < timerSamples.length; i++) {
    const t0 = performance.now();
    timerSamples[i] = performance.now() - t0;
  }
  const matchSamples = new Float64Array(n);
  const explainSamples = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const f = facts[i % facts.length]!;
    let t0 = performance.now();
    checksum += compiled.match(f, now);
    matchSamples[i] = (performance.now() - t0) * 1000;
    t0 = performance.now();
    checksum += compiled.explain(f, now).matchedIndex;
    explainSamples[i] = (performance.now() - t0) * 1000;
  }
  progress(3);

  // json-rules-engine, in order, awaiting each run (its API is asynchronous); same n, each run timed.
  const jreSamples = new Float64Array(n);
  const jreWinner = new Int32Array(facts.length).fill(-2);
  started = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const index = await jre.firstMatch(flatFacts[i % facts.length]!);
    jreSamples[i] = (performance.now() - t0) * 1000;
    if (i < facts.length) jreWinner[i] = index;
  }
  const jreMs = performance.now() - started;
  progress(4);

  // Agreement on every fact (each distinct fact is checked once, even when n is smaller than the dataset).
  let compared = 0;
  let mismatches = 0;
  const examples: Array<{ fact: number; ours: number; jsonRulesEngine: number }> = [];
  const hits = new Map<string, number>();
  for (let i = 0; i < facts.length; i++) {
    const ours = compiled.match(facts[i]!, now);
    const explained = compiled.explain(facts[i]!, now).matchedIndex;
    const theirs = jreWinner[i]! !== -2 ? jreWinner[i]! : await jre.firstMatch(flatFacts[i]!);
    compared++;
    if (ours !== theirs || ours !== explained) {
      mismatches++;
      if (examples.length < 5) examples.push({ fact: i, ours, jsonRulesEngine: theirs });
    }
    const name = ours >= 0 ? rules[ours]!.name : '(none)';
    hits.set(name, (hits.get(name) ?? 0) + 1);
  }
  progress(5);

  const rate = (ms: number) => round((n / ms) * 1000);
  const result = {
    benchmark: 'rule-evaluation',
    rules: rules.length,
    distinctFacts: facts.length,
    evaluations: n,
    compileMs: round(compileMs, 3),
    ours: {
      match: { evalsPerSec: rate(matchMs), latencyUs: percentiles(matchSamples) },
      explain: { evalsPerSec: rate(explainMs), latencyUs: percentiles(explainSamples) },
    },
    jsonRulesEngine: { version: '7.3.1', evalsPerSec: rate(jreMs), latencyUs: percentiles(jreSamples) },
    speedup: { match: round(jreMs / matchMs, 1), explain: round(jreMs / explainMs, 1) },
    timerOverheadUs: percentiles(Array.from(timerSamples, (s) => s * 1000)),
    verification: { factsCompared: compared, mismatches, examples },
    ruleHits: Object.fromEntries([...hits.entries()].sort((a, b) => b[1] - a[1])),
    fairness:
      'json-rules-engine: distinct priorities in rule order + engine.stop() on the first success (first match wins), allowUndefinedFacts, account fields as flat facts (no JSON paths), one engine reused, runs awaited one by one; both engines warmed and given prebuilt facts',
    checksum,
  };
  return result;
}

if (isMain(import.meta.url)) {
  console.log(JSON.stringify(await runRulesBench({ n: numberArg('n') }), null, 2));
}
