import { randomUUID } from 'node:crypto';
import type { Executor } from '../platform/db/database.js';
import { AppError, type FieldError } from '../platform/errors.js';
import type { FieldCatalog } from './core/conditions.js';
import { isRoutableType, type RoutableRecordType } from './core/record-types.js';
import { FIELD_CATALOGS, type Rule, validateRuleSet } from './core/ruleset.js';

export const catalogFor = (recordType: RoutableRecordType): FieldCatalog => (FIELD_CATALOGS as Record<string, FieldCatalog>)[recordType] ?? {};

/** Every rule gets a stable id the first time it is saved; explanations and reports refer to it. */
export const withRuleIds = (rules: Rule[]): Rule[] => rules.map((rule) => (rule.id ? rule : { id: randomUUID(), ...rule }));

/**
 * The full check of a rule list: the DSL against the record type's fields, and every target, fallback and
 * escalation policy pointing at something that exists. Returns the errors with their JSON paths.
 */
export async function ruleErrors(db: Executor, recordType: string, rules: Rule[], options: { forPublish: boolean }): Promise<FieldError[]> {
  if (!isRoutableType(recordType)) return [{ path: 'recordType', message: 'not a routable record type' }];
  const errors: FieldError[] = validateRuleSet(rules, catalogFor(recordType), options);
  const ids = (type: 'user' | 'pool' | 'queue') => rules.flatMap((r) => (r.then.target.type === type ? [r.then.target.id] : []));
  const [users, pools, queues, policies] = await Promise.all([
    existing(db, 'users', ids('user'), true),
    existing(db, 'pools', ids('pool')),
    existing(db, 'queues', ids('queue')),
    existing(db, 'escalation_policies', rules.flatMap((r) => (r.then.escalationPolicyId ? [r.then.escalationPolicyId] : []))),
  ]);
  rules.forEach((rule, i) => {
    const target = rule.then.target;
    if (target.type === 'user' && !users.has(target.id)) errors.push({ path: `rules[${i}].then.target.id`, message: 'no such active internal user' });
    if (target.type === 'pool' && !pools.has(target.id)) errors.push({ path: `rules[${i}].then.target.id`, message: 'no such pool' });
    if (target.type === 'queue' && !queues.has(target.id)) errors.push({ path: `rules[${i}].then.target.id`, message: 'no such queue' });
    if (rule.then.escalationPolicyId && !policies.has(rule.then.escalationPolicyId)) errors.push({ path: `rules[${i}].then.escalationPolicyId`, message: 'no such escalation policy' });
  });
  return errors;
}

export async function assertValidRules(db: Executor, recordType: string, rules: Rule[], options: { forPublish: boolean }): Promise<void> {
  const errors = await ruleErrors(db, recordType, rules, options);
  if (errors.length) throw new AppError('validation_failed', `${errors[0]!.path}: ${errors[0]!.message}`, errors);
}

async function existing(db: Executor, table: 'users' | 'pools' | 'queues' | 'escalation_policies', ids: string[], activeInternalUser = false): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  if (activeInternalUser) {
    const rows = await db.selectFrom('users').select('id').where('id', 'in', ids).where('status', '=', 'active').where('partner_id', 'is', null).execute();
    return new Set(rows.map((r) => r.id));
  }
  const rows = await db.selectFrom(table).select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}
