import { z } from 'zod';
import {
  type Condition,
  ConditionSchema,
  type ConditionError,
  type FailedCheck,
  type FieldCatalog,
  compileExplainable,
  validateCondition,
} from './conditions.js';
import type { Facts } from './facts.js';

export const RELATIONS = ['account.owner', 'account.channelManager', 'owner.manager', 'team.lead'] as const;

export const TargetSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('user'), id: z.uuid() }),
  z.strictObject({ type: z.literal('pool'), id: z.uuid() }),
  z.strictObject({ type: z.literal('queue'), id: z.uuid() }),
  z.strictObject({ type: z.literal('relative'), relation: z.enum(RELATIONS) }),
]);
export type Target = z.infer<typeof TargetSchema>;

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;

export const RuleSchema = z.strictObject({
  id: z.string().min(1).max(64).optional(),
  name: z.string().trim().min(1).max(200),
  when: ConditionSchema.optional(),
  then: z.strictObject({
    target: TargetSchema,
    slaHours: z.number().positive().max(8760).optional(),
    escalationPolicyId: z.uuid().optional(),
    priority: z.enum(PRIORITIES).optional(),
  }),
});
export type Rule = z.infer<typeof RuleSchema>;
export const RuleListSchema = z.array(RuleSchema).max(500);

const ACCOUNT_FIELDS = {
  id: 'id',
  name: 'string',
  domain: 'string',
  region: 'string',
  country: 'string',
  segment: 'string',
  tier: 'string',
  industry: 'string',
  employees: 'number',
  annualRevenue: 'number',
  ownerId: 'id',
  channelPartnerId: 'id',
  hasActiveRegistration: 'boolean',
  directOnly: 'boolean',
  createdAt: 'timestamp',
} as const satisfies FieldCatalog;

const nested = (prefix: string, fields: FieldCatalog): FieldCatalog =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [`${prefix}.${k}`, v]));

/** The fields a rule may test, per record type — the same names the facts carry (see facts.ts). */
export const FIELD_CATALOGS = {
  lead: {
    id: 'id',
    name: 'string',
    company: 'string',
    email: 'string',
    domain: 'string',
    region: 'string',
    country: 'string',
    product: 'string',
    productLine: 'string',
    amount: 'number',
    source: 'string',
    status: 'string',
    createdAt: 'timestamp',
    ageDays: 'number',
    ...nested('account', ACCOUNT_FIELDS),
  },
  account: ACCOUNT_FIELDS,
  opportunity: {
    id: 'id',
    name: 'string',
    stage: 'string',
    status: 'string',
    amount: 'number',
    product: 'string',
    productLine: 'string',
    region: 'string',
    closeDate: 'timestamp',
    stageChangedAt: 'timestamp',
    createdAt: 'timestamp',
    stageAgeDays: 'number',
    'previous.stage': 'string',
    ...nested('account', ACCOUNT_FIELDS),
  },
  order_exception: {
    id: 'id',
    title: 'string',
    controlPoint: 'string',
    category: 'string',
    channelId: 'id',
    channelKind: 'string',
    channelCode: 'string',
    region: 'string',
    ownerId: 'id',
  },
  sales_order: {
    id: 'id',
    title: 'string',
    channelId: 'id',
    channelKind: 'string',
    channelCode: 'string',
    region: 'string',
    totalMinor: 'number',
    ownerId: 'id',
  },
  registration: {
    id: 'id',
    title: 'string',
    partnerId: 'id',
    partnerTier: 'string',
    productLine: 'string',
    amount: 'number',
    region: 'string',
    country: 'string',
    flagged: 'boolean',
    ownerId: 'id',
    ...nested('account', ACCOUNT_FIELDS),
  },
  conflict_case: {
    id: 'id',
    title: 'string',
    kind: 'string',
    partnerId: 'id',
    region: 'string',
    ownerId: 'id',
    ...nested('account', ACCOUNT_FIELDS),
  },
  expiry_decision: {
    id: 'id',
    title: 'string',
    partnerId: 'id',
    partnerTier: 'string',
    productLine: 'string',
    region: 'string',
    ownerId: 'id',
    ...nested('account', ACCOUNT_FIELDS),
  },
} as const satisfies Record<string, FieldCatalog>;

export const isCatchAll = (rule: Pick<Rule, 'when'>): boolean =>
  rule.when === undefined || ('all' in rule.when && rule.when.all.length === 0);

/** Everything wrong with a rule list, each error pointing at its JSON path (`rules[2].when.all[0].value`). */
export function validateRuleSet(rules: Rule[], catalog: FieldCatalog, options: { forPublish: boolean }): ConditionError[] {
  const errors: ConditionError[] = [];
  const ids = new Map<string, number>();
  rules.forEach((rule, i) => {
    if (rule.id !== undefined) {
      if (ids.has(rule.id)) errors.push({ path: `rules[${i}].id`, message: `duplicates the id of rules[${ids.get(rule.id)}]` });
      ids.set(rule.id, i);
    }
    if (rule.when) errors.push(...validateCondition(rule.when, catalog, `rules[${i}].when`));
  });
  const firstCatchAll = rules.findIndex(isCatchAll);
  if (firstCatchAll >= 0 && firstCatchAll < rules.length - 1)
    errors.push({ path: `rules[${firstCatchAll + 1}]`, message: `never reached: rules[${firstCatchAll}] matches every record` });
  if (options.forPublish && firstCatchAll < 0)
    errors.push({
      path: 'rules',
      message: 'publishing needs a catch-all last rule (no "when", or "when": {"all": []}) so no record is left without an owner',
    });
  return errors;
}

export type RuleVerdict = { ruleId: string | null; name: string; matched: boolean; failed: FailedCheck[] };
export type RuleSetExplanation = { matchedIndex: number; rules: RuleVerdict[] };

export type CompiledRuleSet = {
  /** Index of the first matching rule, or -1. */
  match(facts: Facts, now: number): number;
  /** The same decision, with every rule up to the winner and why each earlier one did not match. */
  explain(facts: Facts, now: number): RuleSetExplanation;
};

/** Compiled once per published version; evaluation only runs closures. First match wins. */
export function compileRuleSet(rules: Rule[]): CompiledRuleSet {
  const compiled = rules.map((rule) => ({ rule, condition: rule.when ? compileExplainable(rule.when as Condition) : null }));
  const match = (facts: Facts, now: number) => {
    for (let i = 0; i < compiled.length; i++) {
      const c = compiled[i]!.condition;
      if (!c || c.holds(facts, now)) return i;
    }
    return -1;
  };
  return {
    match,
    explain(facts, now) {
      const matchedIndex = match(facts, now);
      const upTo = matchedIndex < 0 ? compiled.length : matchedIndex + 1;
      const verdicts = compiled.slice(0, upTo).map(({ rule, condition }, i) => ({
        ruleId: rule.id ?? null,
        name: rule.name,
        matched: i === matchedIndex,
        failed: i === matchedIndex || !condition ? [] : condition.explain(facts, now),
      }));
      return { matchedIndex, rules: verdicts };
    },
  };
}
