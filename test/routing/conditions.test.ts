import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Condition, ConditionSchema, compileCondition, explainCondition, readField, validateCondition } from '../../src/routing/core/conditions.js';
import { FIELD_CATALOGS, type Rule, RuleListSchema, compileRuleSet, isCatchAll, validateRuleSet } from '../../src/routing/core/ruleset.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const DAY = 86_400_000;
const lead = {
  name: 'Acme inquiry',
  company: 'Acme Corporation',
  region: 'EMEA',
  country: 'DE',
  amount: 120_000,
  productLine: 'GTX',
  source: 'web',
  email: 'buyer@acme.example',
  domain: null,
  createdAt: NOW - 10 * DAY,
  ageDays: 10,
  attributes: { tier: 'gold', seats: 40 },
  account: { ownerId: 'u-1', region: 'EMEA', directOnly: false, employees: 5000 },
};
const opportunity = { stage: 'Negotiation', amount: 50_000, previous: { stage: 'Engaging' } };

describe('compiled conditions', () => {
  const cases: Array<[string, Condition, Record<string, unknown>, boolean]> = [
    ['eq on text', { field: 'region', op: 'eq', value: 'EMEA' }, lead, true],
    ['eq is exact, not case-folded', { field: 'region', op: 'eq', value: 'emea' }, lead, false],
    ['neq', { field: 'region', op: 'neq', value: 'NA' }, lead, true],
    ['eq null matches a missing value', { field: 'domain', op: 'eq', value: null }, lead, true],
    ['in', { field: 'country', op: 'in', value: ['FR', 'DE'] }, lead, true],
    ['nin', { field: 'country', op: 'nin', value: ['FR', 'DE'] }, lead, false],
    ['gt', { field: 'amount', op: 'gt', value: 120_000 }, lead, false],
    ['gte', { field: 'amount', op: 'gte', value: 120_000 }, lead, true],
    ['lt', { field: 'amount', op: 'lt', value: 120_001 }, lead, true],
    ['lte', { field: 'amount', op: 'lte', value: 119_999 }, lead, false],
    ['a comparison never matches a missing number', { field: 'annualRevenue', op: 'lt', value: 10 }, lead, false],
    ['between is inclusive', { field: 'amount', op: 'between', value: [100_000, 120_000] }, lead, true],
    ['between outside', { field: 'amount', op: 'between', value: [1, 10] }, lead, false],
    ['contains folds case', { field: 'company', op: 'contains', value: 'ACME' }, lead, true],
    ['startsWith folds case', { field: 'email', op: 'startsWith', value: 'Buyer@' }, lead, true],
    ['exists', { field: 'productLine', op: 'exists' }, lead, true],
    ['exists is false for null', { field: 'domain', op: 'exists' }, lead, false],
    ['empty', { field: 'domain', op: 'empty' }, lead, true],
    ['olderThan (days)', { field: 'createdAt', op: 'olderThan', value: 7 }, lead, true],
    ['newerThan (days)', { field: 'createdAt', op: 'newerThan', value: 7 }, lead, false],
    ['nested account field', { field: 'account.region', op: 'eq', value: 'EMEA' }, lead, true],
    ['custom attribute', { field: 'attributes.tier', op: 'in', value: ['gold', 'platinum'] }, lead, true],
    ['missing nested path is just missing', { field: 'account.channelPartnerId', op: 'exists' }, lead, false],
    ['changedTo fires on the transition', { field: 'stage', op: 'changedTo', value: 'Negotiation' }, opportunity, true],
    ['changedTo does not fire without a change', { field: 'stage', op: 'changedTo', value: 'Negotiation' }, { ...opportunity, previous: { stage: 'Negotiation' } }, false],
    ['empty all is true (catch-all)', { all: [] }, lead, true],
    ['all', { all: [{ field: 'region', op: 'eq', value: 'EMEA' }, { field: 'amount', op: 'gte', value: 100_000 }] }, lead, true],
    ['all fails on one', { all: [{ field: 'region', op: 'eq', value: 'EMEA' }, { field: 'amount', op: 'gte', value: 500_000 }] }, lead, false],
    ['any', { any: [{ field: 'region', op: 'eq', value: 'NA' }, { field: 'source', op: 'eq', value: 'web' }] }, lead, true],
    ['not', { not: { field: 'region', op: 'eq', value: 'NA' } }, lead, true],
    ['deep nesting', { all: [{ any: [{ not: { field: 'source', op: 'eq', value: 'event' } }] }, { field: 'account.employees', op: 'gt', value: 1000 }] }, lead, true],
  ];
  it.each(cases)('%s', (_name, condition, facts, expected) => {
    expect(ConditionSchema.safeParse(condition).success).toBe(true);
    expect(compileCondition(condition)(facts, NOW)).toBe(expected);
  });

  it('reads only own properties: a field named like an Object.prototype member is missing, not a function', () => {
    expect(readField(lead, 'constructor')).toBeUndefined();
    expect(compileCondition({ field: 'account.toString', op: 'exists' })(lead, NOW)).toBe(false);
  });
});

describe('explanations', () => {
  it('lists each failing leaf with the value the record actually had', () => {
    const condition: Condition = { all: [{ field: 'region', op: 'eq', value: 'EMEA' }, { field: 'amount', op: 'gte', value: 500_000 }, { field: 'country', op: 'in', value: ['US'] }] };
    expect(explainCondition(condition, lead, NOW)).toEqual([
      { field: 'amount', op: 'gte', value: 500_000, actual: 120_000 },
      { field: 'country', op: 'in', value: ['US'], actual: 'DE' },
    ]);
  });
  it('under a not, reports the leaves that matched (they are why the not failed); missing values show as null', () => {
    expect(explainCondition({ not: { any: [{ field: 'region', op: 'eq', value: 'EMEA' }, { field: 'x', op: 'exists' }] } }, lead, NOW)).toEqual([{ field: 'region', op: 'eq', value: 'EMEA', actual: 'EMEA' }]);
    expect(explainCondition({ field: 'domain', op: 'exists' }, lead, NOW)).toEqual([{ field: 'domain', op: 'exists', value: null, actual: null }]);
  });
  it('is empty exactly when the condition holds, for every condition validation accepts (property)', () => {
    const leaf = fc.oneof(
      fc.record({ field: fc.constant('amount'), op: fc.constantFrom('gt', 'gte', 'lt', 'lte', 'eq', 'neq'), value: fc.integer({ min: 0, max: 200_000 }) }),
      fc.record({ field: fc.constant('region'), op: fc.constantFrom('eq', 'neq'), value: fc.constantFrom('EMEA', 'NA', 'APAC') }),
      fc.record({ field: fc.constantFrom('domain', 'source'), op: fc.constantFrom('exists', 'empty') }),
    ) as fc.Arbitrary<Condition>;
    const tree = fc.letrec<{ node: Condition }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        // Validation allows an empty group only as the whole condition (see below).
        fc.record({ all: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
        fc.record({ any: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
        fc.record({ not: tie('node') }),
      ),
    })).node;
    const facts = fc.record({ amount: fc.integer({ min: 0, max: 200_000 }), region: fc.constantFrom('EMEA', 'NA', 'APAC'), domain: fc.option(fc.constant('x.example')), source: fc.option(fc.constant('web')) });
    fc.assert(
      fc.property(tree, facts, (condition, f) => {
        const holds = compileCondition(condition)(f, NOW);
        expect(explainCondition(condition, f, NOW).length === 0).toBe(holds);
      }),
      { numRuns: 400 },
    );
  });
});

describe('validation against the field catalogue', () => {
  const leadFields = FIELD_CATALOGS.lead;
  const cases: Array<[string, Condition, Array<{ path: string; message: RegExp }>]> = [
    ['a valid tree', { all: [{ field: 'amount', op: 'between', value: [1, 2] }, { field: 'attributes.tier', op: 'eq', value: 'gold' }] }, []],
    ['unknown field', { field: 'amout', op: 'gt', value: 1 }, [{ path: 'when.field', message: /unknown field "amout"/ }]],
    ['operator that does not fit the field', { field: 'region', op: 'gt', value: 1 }, [{ path: 'when.op', message: /does not apply to string/ }]],
    ['wrong value type', { all: [{ field: 'amount', op: 'gte', value: 'lots' }] }, [{ path: 'when.all[0].value', message: /expected a number/ }]],
    ['value missing', { field: 'amount', op: 'eq' }, [{ path: 'when.value', message: /required/ }]],
    ['value given to exists', { field: 'amount', op: 'exists', value: 3 }, [{ path: 'when.value', message: /takes no value/ }]],
    ['in needs a list', { field: 'region', op: 'in', value: 'EMEA' }, [{ path: 'when.value', message: /non-empty list/ }]],
    ['between needs an ordered pair', { field: 'amount', op: 'between', value: [5, 1] }, [{ path: 'when.value', message: /low must not be above high/ }]],
    ['olderThan needs days', { field: 'createdAt', op: 'olderThan', value: -1 }, [{ path: 'when.value', message: /days/ }]],
    ['changedTo only where changes are tracked', { field: 'region', op: 'changedTo', value: 'EMEA' }, [{ path: 'when.op', message: /not tracked/ }]],
    ['an empty group only as the whole condition', { not: { all: [] } }, [{ path: 'when.not.all', message: /only as a whole catch-all/ }]],
    ['errors point deep into the tree', { any: [{ not: { field: 'nope', op: 'exists' } }] }, [{ path: 'when.any[0].not.field', message: /unknown field/ }]],
  ];
  it.each(cases)('%s', (_name, condition, expected) => {
    const errors = validateCondition(condition, leadFields, 'when');
    expect(errors).toHaveLength(expected.length);
    expected.forEach((e, i) => {
      expect(errors[i]!.path).toBe(e.path);
      expect(errors[i]!.message).toMatch(e.message);
    });
  });

  it('the schema refuses unknown keys and operators before the catalogue is consulted', () => {
    expect(ConditionSchema.safeParse({ field: 'amount', op: 'approx', value: 1 }).success).toBe(false);
    expect(ConditionSchema.safeParse({ field: 'amount', op: 'eq', value: 1, extra: true }).success).toBe(false);
    expect(ConditionSchema.safeParse({ all: [{ any: [] }] }).success).toBe(false);
  });
});

describe('rule sets', () => {
  const target = { type: 'user' as const, id: '00000000-0000-4000-8000-000000000001' };
  const rules: Rule[] = [
    { id: 'big', name: 'Big deals', when: { field: 'amount', op: 'gte', value: 500_000 }, then: { target } },
    { id: 'emea', name: 'EMEA', when: { field: 'region', op: 'eq', value: 'EMEA' }, then: { target } },
    { id: 'rest', name: 'Everything else', then: { target } },
  ];

  it('first match wins, and the explanation stops at the winner with why each earlier rule failed', () => {
    const compiled = compileRuleSet(rules);
    expect(compiled.match(lead, NOW)).toBe(1);
    expect(compiled.explain(lead, NOW)).toEqual({
      matchedIndex: 1,
      rules: [
        { ruleId: 'big', name: 'Big deals', matched: false, failed: [{ field: 'amount', op: 'gte', value: 500_000, actual: 120_000 }] },
        { ruleId: 'emea', name: 'EMEA', matched: true, failed: [] },
      ],
    });
    expect(compiled.match({ ...lead, region: 'NA' }, NOW)).toBe(2);
  });

  it('no match gives -1 and every rule explained', () => {
    const compiled = compileRuleSet(rules.slice(0, 2));
    const explained = compiled.explain({ amount: 1, region: 'NA' }, NOW);
    expect(explained.matchedIndex).toBe(-1);
    expect(explained.rules.map((r) => r.matched)).toEqual([false, false]);
  });

  it('publishing needs a catch-all; rules after a catch-all are unreachable; ids are unique', () => {
    expect(validateRuleSet(rules, FIELD_CATALOGS.lead, { forPublish: true })).toEqual([]);
    expect(validateRuleSet(rules.slice(0, 2), FIELD_CATALOGS.lead, { forPublish: false })).toEqual([]);
    expect(validateRuleSet(rules.slice(0, 2), FIELD_CATALOGS.lead, { forPublish: true })).toEqual([{ path: 'rules', message: expect.stringMatching(/catch-all/) }]);
    expect(validateRuleSet([rules[2]!, rules[0]!], FIELD_CATALOGS.lead, { forPublish: true })).toEqual([{ path: 'rules[1]', message: expect.stringMatching(/never reached/) }]);
    expect(validateRuleSet([rules[0]!, { ...rules[1]!, id: 'big' }, rules[2]!], FIELD_CATALOGS.lead, { forPublish: true })).toEqual([{ path: 'rules[1].id', message: expect.stringMatching(/duplicates/) }]);
  });

  it('a catch-all is a rule without a condition or with an empty all', () => {
    expect(isCatchAll({ when: undefined })).toBe(true);
    expect(isCatchAll({ when: { all: [] } })).toBe(true);
    expect(isCatchAll({ when: { any: [{ field: 'x', op: 'exists' }] } })).toBe(false);
  });

  it('targets are checked by shape: ids are uuids, relations come from the list', () => {
    const parse = (t: unknown) => RuleListSchema.safeParse([{ name: 'r', then: { target: t } }]);
    expect(parse({ type: 'relative', relation: 'account.owner' }).success).toBe(true);
    expect(parse({ type: 'relative', relation: 'account.cousin' }).success).toBe(false);
    expect(parse({ type: 'pool', id: 'not-a-uuid' }).success).toBe(false);
    expect(parse({ type: 'pool', id: target.id, relation: 'account.owner' }).success).toBe(false);
  });
});
