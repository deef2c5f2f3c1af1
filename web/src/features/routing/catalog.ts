/** The DSL's vocabulary for the editor; the server (src/routing/core) is the authority and test/routing/web-catalog-drift.test.ts keeps this copy equal. */
export type FieldKind = 'string' | 'number' | 'boolean' | 'timestamp' | 'id';
export type RecordType = 'lead' | 'account' | 'opportunity';
export const RECORD_TYPES: RecordType[] = ['lead', 'account', 'opportunity'];

export const OPERATORS = [
  'eq',
  'neq',
  'in',
  'nin',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'contains',
  'startsWith',
  'exists',
  'empty',
  'olderThan',
  'newerThan',
  'changedTo',
] as const;
export type Operator = (typeof OPERATORS)[number];

export const OPS_BY_KIND: Record<FieldKind | 'custom', readonly Operator[]> = {
  string: ['eq', 'neq', 'in', 'nin', 'contains', 'startsWith', 'exists', 'empty', 'changedTo'],
  id: ['eq', 'neq', 'in', 'nin', 'exists', 'empty', 'changedTo'],
  number: ['eq', 'neq', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'between', 'exists', 'empty', 'changedTo'],
  boolean: ['eq', 'neq', 'exists', 'empty'],
  timestamp: ['gt', 'gte', 'lt', 'lte', 'between', 'exists', 'empty', 'olderThan', 'newerThan'],
  custom: OPERATORS,
};

export const OP_LABELS: Record<Operator, string> = {
  eq: 'equals',
  neq: 'does not equal',
  in: 'is one of',
  nin: 'is none of',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  between: 'between',
  contains: 'contains',
  startsWith: 'starts with',
  exists: 'is set',
  empty: 'is empty',
  olderThan: 'older than (days)',
  newerThan: 'newer than (days)',
  changedTo: 'changed to',
};

const ACCOUNT_FIELDS: Record<string, FieldKind> = {
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
};
const nested = (prefix: string, fields: Record<string, FieldKind>) =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [`${prefix}.${k}`, v]));

export const FIELD_CATALOGS: Record<RecordType, Record<string, FieldKind>> = {
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
};

export function kindOf(recordType: RecordType, field: string): FieldKind | 'custom' | undefined {
  const catalog = FIELD_CATALOGS[recordType];
  if (Object.hasOwn(catalog, field)) return catalog[field];
  if (/^(account\.)?attributes\.[A-Za-z0-9_]+$/.test(field)) return 'custom';
  return undefined;
}

export const RELATIONS = ['account.owner', 'account.channelManager', 'owner.manager', 'team.lead'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const REASON_CODES = [
  'territory_change',
  'customer_request',
  'workload',
  'expertise',
  'relationship',
  'error_correction',
  'other',
] as const;

export type Scalar = string | number | boolean | null;
export type Leaf = { field: string; op: Operator; value?: Scalar | Scalar[] };
export type Condition = Leaf | { all: Condition[] } | { any: Condition[] } | { not: Condition };
export type Target = { type: 'user' | 'pool' | 'queue'; id: string } | { type: 'relative'; relation: (typeof RELATIONS)[number] };
export type Rule = {
  id?: string;
  name: string;
  when?: Condition;
  then: { target: Target; slaHours?: number; escalationPolicyId?: string; priority?: (typeof PRIORITIES)[number] };
};
