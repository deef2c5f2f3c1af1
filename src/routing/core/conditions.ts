import { z } from 'zod';
import type { Facts } from './facts.js';

/**
 * The condition DSL: JSON a RevOps person can read, validated against a field catalogue, compiled once into
 * closures. Leaves compare one field; `all` / `any` / `not` combine them. An empty `all` is always true — that
 * is how a catch-all rule is written.
 */
export const OPERATORS = ['eq', 'neq', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'between', 'contains', 'startsWith', 'exists', 'empty', 'olderThan', 'newerThan', 'changedTo'] as const;
export type Operator = (typeof OPERATORS)[number];

const Scalar = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);
export type Scalar = z.infer<typeof Scalar>;

const FieldPath = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/, 'a field path such as amount, account.region or attributes.tier');

export const LeafSchema = z.strictObject({ field: FieldPath, op: z.enum(OPERATORS), value: z.union([Scalar, z.array(Scalar).max(500)]).optional() });
export type Leaf = z.infer<typeof LeafSchema>;

export type Condition = Leaf | { all: Condition[] } | { any: Condition[] } | { not: Condition };

export const ConditionSchema: z.ZodType<Condition> = z
  .union([
    LeafSchema,
    z.strictObject({ get all() { return z.array(ConditionSchema).max(100); } }),
    z.strictObject({ get any() { return z.array(ConditionSchema).min(1).max(100); } }),
    z.strictObject({ get not() { return ConditionSchema; } }),
  ])
  // A named component, so the OpenAPI document can describe the recursion with a $ref.
  .meta({ id: 'Condition' });

/** What a field holds, so operators and values can be checked before a rule set is saved. */
export type FieldKind = 'string' | 'number' | 'boolean' | 'timestamp' | 'id';
export type FieldCatalog = Record<string, FieldKind>;

export const OPS_BY_KIND: Record<FieldKind, readonly Operator[]> = {
  string: ['eq', 'neq', 'in', 'nin', 'contains', 'startsWith', 'exists', 'empty', 'changedTo'],
  id: ['eq', 'neq', 'in', 'nin', 'exists', 'empty', 'changedTo'],
  number: ['eq', 'neq', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'between', 'exists', 'empty', 'changedTo'],
  boolean: ['eq', 'neq', 'exists', 'empty'],
  timestamp: ['gt', 'gte', 'lt', 'lte', 'between', 'exists', 'empty', 'olderThan', 'newerThan'],
};
const UNTYPED_OPS = OPERATORS;
const NO_VALUE: readonly Operator[] = ['exists', 'empty'];

export type ConditionError = { path: string; message: string };

/** Where the DSL meets the catalogue: unknown fields, operators that make no sense for a field, wrong values. */
export function validateCondition(condition: Condition, catalog: FieldCatalog, pathPrefix: string): ConditionError[] {
  return validateNode(condition, catalog, pathPrefix, true);
}

function validateNode(condition: Condition, catalog: FieldCatalog, path: string, root: boolean): ConditionError[] {
  if ('all' in condition) {
    // "Everything" inside a larger condition is either redundant or, under a not, a rule that can never match.
    if (condition.all.length === 0 && !root) return [{ path: `${path}.all`, message: 'an empty group matches every record; use it only as a whole catch-all condition' }];
    return condition.all.flatMap((c, i) => validateNode(c, catalog, `${path}.all[${i}]`, false));
  }
  if ('any' in condition) return condition.any.flatMap((c, i) => validateNode(c, catalog, `${path}.any[${i}]`, false));
  if ('not' in condition) return validateNode(condition.not, catalog, `${path}.not`, false);
  return validateLeaf(condition, catalog, path);
}

function kindOf(field: string, catalog: FieldCatalog): FieldKind | 'custom' | undefined {
  if (Object.hasOwn(catalog, field)) return catalog[field];
  // Custom attributes are per tenant and untyped: any operator, checked only for value shape.
  if (/^(account\.)?attributes\.[A-Za-z0-9_]+$/.test(field)) return 'custom';
  return undefined;
}

function validateLeaf(leaf: Leaf, catalog: FieldCatalog, path: string): ConditionError[] {
  const kind = kindOf(leaf.field, catalog);
  if (!kind) return [{ path: `${path}.field`, message: `unknown field "${leaf.field}"` }];
  const allowed = kind === 'custom' ? UNTYPED_OPS : OPS_BY_KIND[kind];
  if (!allowed.includes(leaf.op)) return [{ path: `${path}.op`, message: `"${leaf.op}" does not apply to ${kind} field "${leaf.field}"; use one of ${allowed.join(', ')}` }];
  if (leaf.op === 'changedTo' && !Object.hasOwn(catalog, `previous.${leaf.field}`)) return [{ path: `${path}.op`, message: `changes of "${leaf.field}" are not tracked` }];
  const valuePath = `${path}.value`;
  const value = leaf.value;
  if (NO_VALUE.includes(leaf.op)) return value === undefined ? [] : [{ path: valuePath, message: `"${leaf.op}" takes no value` }];
  if (value === undefined) return [{ path: valuePath, message: 'required' }];
  switch (leaf.op) {
    case 'in':
    case 'nin':
      if (!Array.isArray(value) || value.length === 0) return [{ path: valuePath, message: 'a non-empty list of values' }];
      return value.flatMap((v, i) => scalarFits(v, kind, `${valuePath}[${i}]`));
    case 'between':
      if (!Array.isArray(value) || value.length !== 2) return [{ path: valuePath, message: 'a [low, high] pair' }];
      return [...value.flatMap((v, i) => orderedFits(v, kind, `${valuePath}[${i}]`)), ...lowNotAboveHigh(value, valuePath)];
    case 'olderThan':
    case 'newerThan':
      return typeof value === 'number' && value > 0 && value <= 36_500 ? [] : [{ path: valuePath, message: 'a number of days greater than 0' }];
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return Array.isArray(value) ? [{ path: valuePath, message: 'a single value' }] : orderedFits(value, kind, valuePath);
    case 'contains':
    case 'startsWith':
      return typeof value === 'string' && value.length > 0 ? [] : [{ path: valuePath, message: 'a non-empty text' }];
    default:
      return Array.isArray(value) ? [{ path: valuePath, message: `a single value (use "in" for a list)` }] : scalarFits(value, kind, valuePath);
  }
}

function scalarFits(value: Scalar, kind: FieldKind | 'custom', path: string): ConditionError[] {
  if (value === null || kind === 'custom') return [];
  const ok = kind === 'number' ? typeof value === 'number' : kind === 'boolean' ? typeof value === 'boolean' : kind === 'timestamp' ? toEpoch(value) !== null : typeof value === 'string';
  return ok ? [] : [{ path, message: `expected a ${kind === 'timestamp' ? 'date-time' : kind === 'id' ? 'text id' : kind}` }];
}

function orderedFits(value: Scalar, kind: FieldKind | 'custom', path: string): ConditionError[] {
  if (kind === 'timestamp') return toEpoch(value) === null ? [{ path, message: 'expected an ISO date-time' }] : [];
  if (kind === 'custom') return typeof value === 'number' || typeof value === 'string' ? [] : [{ path, message: 'expected a number or text' }];
  return typeof value === 'number' ? [] : [{ path, message: 'expected a number' }];
}

function lowNotAboveHigh(pair: Scalar[], path: string): ConditionError[] {
  const [lo, hi] = pair.map((v) => (typeof v === 'number' ? v : toEpoch(v)));
  return lo != null && hi != null && lo > hi ? [{ path, message: 'low must not be above high' }] : [];
}

function toEpoch(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

export function readField(facts: Facts, field: string): unknown {
  return readPath(facts, field.split('.'));
}

function readPath(facts: Facts, parts: readonly string[]): unknown {
  let current: unknown = facts;
  for (const part of parts) {
    if (current === null || typeof current !== 'object') return undefined;
    current = Object.hasOwn(current, part) ? (current as Record<string, unknown>)[part] : undefined;
  }
  return current;
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
const DAY_MS = 86_400_000;
const fold = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);

type Test = (actual: unknown, facts: Facts, now: number) => boolean;

/** One closure per leaf; values are normalised here once, not per evaluation. */
function compileLeaf(leaf: Leaf): Test {
  const value = leaf.value;
  const num = (v: unknown) => (typeof v === 'number' ? v : toEpoch(v));
  switch (leaf.op) {
    case 'eq':
      return (a) => a === value || (a == null && value === null);
    case 'neq':
      return (a) => !(a === value || (a == null && value === null));
    case 'in': {
      const set = new Set(value as Scalar[]);
      return (a) => set.has(a as Scalar) || (a == null && set.has(null));
    }
    case 'nin': {
      const set = new Set(value as Scalar[]);
      return (a) => !(set.has(a as Scalar) || (a == null && set.has(null)));
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const bound = num(value)!;
      const cmp = { gt: (a: number) => a > bound, gte: (a: number) => a >= bound, lt: (a: number) => a < bound, lte: (a: number) => a <= bound }[leaf.op];
      return (a) => typeof a === 'number' && cmp(a);
    }
    case 'between': {
      const [lo, hi] = (value as Scalar[]).map(num) as [number, number];
      return (a) => typeof a === 'number' && a >= lo && a <= hi;
    }
    case 'contains': {
      const needle = (value as string).toLowerCase();
      return (a) => (typeof a === 'string' ? a.toLowerCase().includes(needle) : Array.isArray(a) && a.some((x) => fold(x) === needle));
    }
    case 'startsWith': {
      const prefix = (value as string).toLowerCase();
      return (a) => typeof a === 'string' && a.toLowerCase().startsWith(prefix);
    }
    case 'exists':
      return (a) => !isEmpty(a);
    case 'empty':
      return (a) => isEmpty(a);
    case 'olderThan': {
      const span = (value as number) * DAY_MS;
      return (a, _f, now) => typeof a === 'number' && now - a > span;
    }
    case 'newerThan': {
      const span = (value as number) * DAY_MS;
      return (a, _f, now) => typeof a === 'number' && now - a < span;
    }
    case 'changedTo': {
      const previousField = `previous.${leaf.field}`;
      return (a, facts) => a === value && readField(facts, previousField) !== value;
    }
  }
}

export type CompiledCondition = (facts: Facts, now: number) => boolean;
export type FailedCheck = { field: string; op: Operator; value: unknown; actual: unknown };

/** A compiled condition that can also say which leaves failed, without recompiling per record. */
type Node = { holds: CompiledCondition; failures: (facts: Facts, now: number, negated: boolean) => FailedCheck[] };

function compileNode(condition: Condition): Node {
  if ('not' in condition) {
    const inner = compileNode(condition.not);
    return { holds: (facts, now) => !inner.holds(facts, now), failures: (facts, now, negated) => inner.failures(facts, now, !negated) };
  }
  if ('all' in condition || 'any' in condition) {
    const every = 'all' in condition;
    const parts = (every ? condition.all : condition.any).map(compileNode);
    const holds: CompiledCondition = every ? (facts, now) => parts.every((p) => p.holds(facts, now)) : (facts, now) => parts.some((p) => p.holds(facts, now));
    return { holds, failures: (facts, now, negated) => (holds(facts, now) !== negated ? [] : parts.flatMap((p) => p.failures(facts, now, negated))) };
  }
  const test = compileLeaf(condition);
  const field = condition.field;
  // The path is split once here, not on every evaluation.
  const parts = field.split('.');
  const holds: CompiledCondition = parts.length > 1 ? (facts, now) => test(readPath(facts, parts), facts, now) : (facts, now) => test(Object.hasOwn(facts, field) ? facts[field] : undefined, facts, now);
  return {
    holds,
    failures: (facts, now, negated) => {
      if (holds(facts, now) !== negated) return [];
      const actual = readField(facts, field);
      return [{ field, op: condition.op, value: condition.value ?? null, actual: actual === undefined ? null : actual }];
    },
  };
}

export function compileCondition(condition: Condition): CompiledCondition {
  return compileNode(condition).holds;
}

export type ExplainedCondition = { holds: CompiledCondition; explain: (facts: Facts, now: number) => FailedCheck[] };

/**
 * `explain` lists the leaves that made the condition false, with the values the record actually had — the
 * "why not" half of an explanation. Under a `not`, the leaves that matched are the ones reported.
 */
export function compileExplainable(condition: Condition): ExplainedCondition {
  const node = compileNode(condition);
  return { holds: node.holds, explain: (facts, now) => node.failures(facts, now, false) };
}

export function explainCondition(condition: Condition, facts: Facts, now: number): FailedCheck[] {
  return compileExplainable(condition).explain(facts, now);
}
