import { describe, expect, it } from 'vitest';
import { runRulesBench } from '../../bench/rules.js';

// A smoke run of the rules benchmark: it must agree with json-rules-engine on every CRM fact and print the
// documented shape. Rates are not asserted: they depend on the machine.
describe('rules benchmark (tiny n)', () => {
  it('picks the same rule as json-rules-engine for every fact and reports rates and latencies', async () => {
    const result = await runRulesBench({ n: 300 });
    expect(result.verification).toMatchObject({ factsCompared: 8_800, mismatches: 0 });
    expect(result.rules).toBeGreaterThanOrEqual(30);
    expect(result.evaluations).toBe(300);
    for (const engine of [result.ours.match, result.ours.explain, result.jsonRulesEngine]) {
      expect(engine.evalsPerSec).toBeGreaterThan(0);
      expect(Object.keys(engine.latencyUs)).toEqual(['p50', 'p95', 'p99', 'max']);
    }
    expect(Object.keys(result.speedup)).toEqual(['match', 'explain']);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});
