import type { z } from 'zod';
import { CreateAccountSchema, CreateLeadSchema, CreateOpportunitySchema, OPPORTUNITY_STAGES } from '../../../routing/schemas.js';

export type ImportType = 'accounts' | 'leads' | 'opportunities';
export const IMPORT_TYPES = ['accounts', 'leads', 'opportunities'] as const;
export const PRESETS = ['salesforce', 'hubspot', 'maven'] as const;
export type Preset = (typeof PRESETS)[number];

type Kind = 'text' | 'int' | 'money' | 'date' | 'bool' | 'stage' | 'industry' | 'lower';

/** What a CSV column can become, per record type: the native create fields plus import-only ones. */
export const FIELDS: Record<ImportType, Record<string, Kind>> = {
  accounts: {
    externalId: 'text',
    name: 'text',
    domain: 'lower',
    region: 'text',
    country: 'text',
    segment: 'text',
    tier: 'text',
    industry: 'industry',
    employees: 'int',
    annualRevenue: 'money',
    directOnly: 'bool',
  },
  leads: {
    externalId: 'text',
    name: 'text',
    firstName: 'text',
    lastName: 'text',
    company: 'text',
    email: 'lower',
    domain: 'lower',
    region: 'text',
    country: 'text',
    product: 'text',
    productLine: 'text',
    amount: 'money',
    currency: 'text',
    source: 'text',
    accountName: 'text',
  },
  opportunities: {
    externalId: 'text',
    name: 'text',
    accountName: 'text',
    stage: 'stage',
    amount: 'money',
    currency: 'text',
    product: 'text',
    productLine: 'text',
    region: 'text',
    closeDate: 'date',
  },
};

const SCHEMAS: Record<ImportType, z.ZodType> = {
  accounts: CreateAccountSchema,
  leads: CreateLeadSchema,
  opportunities: CreateOpportunitySchema,
};

/** Column → field for the exports of other systems (Salesforce report exports, HubSpot exports, the Maven CRM sample). */
export const PRESET_MAPPINGS: Record<Preset, Record<ImportType, Record<string, string>>> = {
  salesforce: {
    accounts: {
      'Account ID': 'externalId',
      'Account Name': 'name',
      Website: 'domain',
      Industry: 'industry',
      Employees: 'employees',
      'Annual Revenue': 'annualRevenue',
      'Billing Country': 'country',
      'Billing State/Province': 'region',
      Type: 'segment',
      Rating: 'tier',
    },
    leads: {
      'Lead ID': 'externalId',
      'First Name': 'firstName',
      'Last Name': 'lastName',
      Company: 'company',
      Email: 'email',
      Country: 'country',
      'State/Province': 'region',
      'Lead Source': 'source',
      'Product Interest': 'product',
      Industry: 'attributes.industry',
      'Lead Status': 'attributes.status',
    },
    opportunities: {
      'Opportunity ID': 'externalId',
      'Opportunity Name': 'name',
      'Account Name': 'accountName',
      Stage: 'stage',
      Amount: 'amount',
      'Opportunity Currency': 'currency',
      'Close Date': 'closeDate',
      'Product Name': 'product',
      'Opportunity Owner': 'attributes.salesforceOwner',
      Probability: 'attributes.probability',
    },
  },
  hubspot: {
    accounts: {
      'Record ID': 'externalId',
      'Company name': 'name',
      'Company Domain Name': 'domain',
      Industry: 'industry',
      'Number of Employees': 'employees',
      'Annual Revenue': 'annualRevenue',
      'Country/Region': 'country',
      'State/Region': 'region',
      'Company owner': 'attributes.hubspotOwner',
    },
    leads: {
      'Record ID': 'externalId',
      'First Name': 'firstName',
      'Last Name': 'lastName',
      Email: 'email',
      'Company Name': 'company',
      'Country/Region': 'country',
      'State/Region': 'region',
      'Original Source': 'source',
      'Lifecycle Stage': 'attributes.lifecycleStage',
      'Contact owner': 'attributes.hubspotOwner',
    },
    opportunities: {
      'Record ID': 'externalId',
      'Deal Name': 'name',
      'Deal Stage': 'stage',
      Amount: 'amount',
      Currency: 'currency',
      'Close Date': 'closeDate',
      'Associated Company': 'accountName',
      'Deal owner': 'attributes.hubspotOwner',
      Pipeline: 'attributes.pipeline',
    },
  },
  maven: {
    accounts: {
      account: 'name',
      sector: 'industry',
      year_established: 'attributes.yearEstablished',
      revenue: 'attributes.revenueMillionsUsd',
      employees: 'employees',
      office_location: 'country',
      subsidiary_of: 'attributes.subsidiaryOf',
    },
    leads: {},
    opportunities: {
      opportunity_id: 'externalId',
      sales_agent: 'attributes.salesAgent',
      product: 'product',
      account: 'accountName',
      deal_stage: 'stage',
      engage_date: 'attributes.engageDate',
      close_date: 'closeDate',
      close_value: 'amount',
    },
  },
};

/** Stage names of other systems, lower-cased, to Baton's stages. */
const STAGE_ALIASES: Record<string, (typeof OPPORTUNITY_STAGES)[number]> = {
  ...Object.fromEntries(OPPORTUNITY_STAGES.map((s) => [s.toLowerCase(), s])),
  'closed won': 'Won',
  'closed lost': 'Lost',
  'needs analysis': 'Qualification',
  'value proposition': 'Proposal',
  'id. decision makers': 'Qualification',
  'perception analysis': 'Qualification',
  'proposal/price quote': 'Proposal',
  'negotiation/review': 'Negotiation',
  appointmentscheduled: 'Prospecting',
  'appointment scheduled': 'Prospecting',
  qualifiedtobuy: 'Qualification',
  'qualified to buy': 'Qualification',
  presentationscheduled: 'Engaging',
  'presentation scheduled': 'Engaging',
  decisionmakerboughtin: 'Proposal',
  'decision maker bought-in': 'Proposal',
  contractsent: 'Negotiation',
  'contract sent': 'Negotiation',
  closedwon: 'Won',
  closedlost: 'Lost',
};

/** Industries Baton knows; a value one or two typos away from exactly one of them is corrected and reported. */
export const INDUSTRIES = [
  'technology',
  'software',
  'medical',
  'healthcare',
  'retail',
  'finance',
  'banking',
  'insurance',
  'marketing',
  'entertainment',
  'telecommunications',
  'services',
  'employment',
  'manufacturing',
  'education',
  'government',
  'energy',
  'transportation',
  'logistics',
  'hospitality',
  'construction',
  'agriculture',
  'media',
  'consulting',
  'pharmaceuticals',
  'automotive',
  'aerospace',
] as const;

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

export function closestIndustry(value: string): string | null {
  const v = value.toLowerCase();
  if ((INDUSTRIES as readonly string[]).includes(v)) return v;
  const near = INDUSTRIES.filter((k) => editDistance(v, k) <= 2);
  return near.length === 1 ? near[0]! : null;
}

export type FileProblem = { field: string; message: string };
export type Resolved = { columns: Array<{ index: number; column: string; field: string }>; ignored: string[]; composedName: boolean };

const norm = (s: string) => s.trim().toLowerCase();
const camel = (s: string) =>
  s
    .trim()
    .replace(/[\s_-]+(\w)/g, (_, c: string) => c.toUpperCase())
    .replace(/^\w/, (c) => c.toLowerCase());

export const isField = (type: ImportType, field: string) => field in FIELDS[type] || /^attributes\.[A-Za-z0-9_.-]{1,64}$/.test(field);

/**
 * The header against a preset and/or a custom mapping: every column used exactly once, every field known,
 * a name (or its parts) present. Without a preset or mapping a column must be named like a field
 * (`email`, `annualRevenue` or `annual_revenue`); an unknown one is an error. With one, unmapped columns are
 * ignored and reported.
 */
export function resolveMapping(
  type: ImportType,
  header: string[],
  options: { preset?: Preset | null; mapping?: Record<string, string> | null },
): { ok: true; resolved: Resolved } | { ok: false; problems: FileProblem[] } {
  const problems: FileProblem[] = [];
  const seen = new Map<string, number>();
  header.forEach((h, i) => {
    if (h.trim() === '') problems.push({ field: `column ${i + 1}`, message: 'has an empty name' });
    else if (seen.has(norm(h)))
      problems.push({ field: h, message: `appears twice in the header (columns ${seen.get(norm(h))! + 1} and ${i + 1})` });
    seen.set(norm(h), i);
  });
  const wanted = new Map<string, string>();
  if (options.preset)
    for (const [col, field] of Object.entries(PRESET_MAPPINGS[options.preset][type])) if (seen.has(norm(col))) wanted.set(norm(col), field);
  for (const [col, field] of Object.entries(options.mapping ?? {})) {
    if (!seen.has(norm(col)))
      problems.push({ field: `mapping.${col}`, message: `names a column the file does not have (columns: ${header.join(', ')})` });
    else if (!isField(type, field))
      problems.push({
        field: `mapping.${col}`,
        message: `"${field}" is not a ${type} field (fields: ${Object.keys(FIELDS[type]).join(', ')}, attributes.<key>)`,
      });
    else wanted.set(norm(col), field);
  }
  const columns: Resolved['columns'] = [];
  const ignored: string[] = [];
  const guided = !!options.preset || !!options.mapping;
  header.forEach((h, index) => {
    const field =
      wanted.get(norm(h)) ?? (guided ? undefined : Object.keys(FIELDS[type]).find((f) => f.toLowerCase() === camel(h).toLowerCase()));
    if (field) columns.push({ index, column: h, field });
    else if (guided) ignored.push(h);
    else if (h.trim() !== '')
      problems.push({
        field: h,
        message: `is not a ${type} field (fields: ${Object.keys(FIELDS[type]).join(', ')}); map it with a mapping or remove the column`,
      });
  });
  const byField = new Map<string, string>();
  for (const c of columns) {
    if (byField.has(c.field))
      problems.push({ field: c.column, message: `maps to ${c.field}, which column "${byField.get(c.field)}" already fills` });
    byField.set(c.field, c.column);
  }
  const hasName = byField.has('name') || (type === 'leads' && (byField.has('firstName') || byField.has('lastName')));
  const composedName = !hasName && type === 'opportunities';
  if (!hasName && !composedName)
    problems.push({ field: 'name', message: `no column maps to name${type === 'leads' ? ' (or firstName/lastName)' : ''}` });
  return problems.length ? { ok: false, problems } : { ok: true, resolved: { columns, ignored, composedName } };
}

export type RowIssue = { field: string; message: string };
export type ConvertedRow = {
  input: Record<string, unknown>;
  externalId: string | null;
  accountName: string | null;
  errors: RowIssue[];
  warnings: RowIssue[];
};

function parseMoney(value: string): number | null {
  const cleaned = value.replace(/[$€£,\s]/g, '').replace(/^([A-Z]{3})/, '');
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return null;
  const [whole, frac = ''] = cleaned.split('.');
  const minor = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  return Number.isSafeInteger(minor) ? minor : null;
}

function parseDate(value: string): string | null {
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$/.exec(value);
  if (match) [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  else if ((match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: .*)?$/.exec(value)))
    [y, m, d] = [Number(match[3]), Number(match[1]), Number(match[2])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? date.toISOString().slice(0, 10) : null;
}

/** One CSV record → the native create input, with per-field errors and the warnings worth a human's look. */
export function convertRow(type: ImportType, resolved: Resolved, values: string[]): ConvertedRow {
  const errors: RowIssue[] = [];
  const warnings: RowIssue[] = [];
  const input: Record<string, unknown> = {};
  const attributes: Record<string, string> = {};
  const columnOf = new Map<string, string>();
  let externalId: string | null = null;
  let accountName: string | null = null;
  let first = '';
  let last = '';
  for (const { index, column, field } of resolved.columns) {
    columnOf.set(field, column);
    const raw = (values[index] ?? '').trim();
    if (raw === '') continue;
    if (field.startsWith('attributes.')) {
      attributes[field.slice(11)] = raw.slice(0, 1000);
      continue;
    }
    const kind = FIELDS[type][field]!;
    if (field === 'externalId') externalId = raw.slice(0, 255);
    else if (field === 'accountName') accountName = raw;
    else if (field === 'firstName') first = raw;
    else if (field === 'lastName') last = raw;
    else if (kind === 'text') input[field] = raw;
    else if (kind === 'lower')
      input[field] =
        field === 'domain'
          ? raw
              .toLowerCase()
              .replace(/^https?:\/\//, '')
              .replace(/^www\./, '')
              .replace(/\/.*$/, '')
          : raw.toLowerCase();
    else if (kind === 'int') {
      const n = Number(raw.replace(/[,\s]/g, ''));
      if (Number.isInteger(n)) input[field] = n;
      else errors.push({ field: column, message: `"${raw}" is not a whole number` });
    } else if (kind === 'money') {
      const minor = parseMoney(raw);
      if (minor === null) errors.push({ field: column, message: `"${raw}" is not an amount (like 1234.50)` });
      else input[field] = minor;
    } else if (kind === 'date') {
      const date = parseDate(raw);
      if (date) input[field] = date;
      else errors.push({ field: column, message: `"${raw}" is not a date (YYYY-MM-DD or M/D/YYYY)` });
    } else if (kind === 'bool') {
      if (/^(true|yes|1)$/i.test(raw)) input[field] = true;
      else if (/^(false|no|0)$/i.test(raw)) input[field] = false;
      else errors.push({ field: column, message: `"${raw}" is not true or false` });
    } else if (kind === 'stage') {
      const stage = STAGE_ALIASES[raw.toLowerCase()];
      if (stage) input[field] = stage;
      else
        errors.push({
          field: column,
          message: `"${raw}" is not a stage (${OPPORTUNITY_STAGES.join(', ')}, or a Salesforce/HubSpot stage name)`,
        });
    } else if (kind === 'industry') {
      const known = closestIndustry(raw);
      input[field] = known ?? raw;
      if (known && known !== raw.toLowerCase())
        warnings.push({ field: column, message: `"${raw}" is not a known industry; imported as "${known}"` });
    }
  }
  if (type === 'leads' && (first || last) && input.name === undefined) input.name = `${first} ${last}`.trim();
  if (resolved.composedName)
    input.name = [input.product, accountName].filter(Boolean).join(' for ') || (externalId ? `Opportunity ${externalId}` : undefined);
  if (Object.keys(attributes).length) input.attributes = attributes;
  if (type === 'opportunities') {
    if (columnOf.has('accountName') && !accountName)
      warnings.push({ field: columnOf.get('accountName')!, message: 'no account; imported without one' });
    if (columnOf.has('closeDate') && input.closeDate === undefined && !errors.some((e) => e.field === columnOf.get('closeDate')))
      warnings.push({ field: columnOf.get('closeDate')!, message: 'close date is blank' });
  }
  if (errors.length === 0) {
    const parsed = SCHEMAS[type].safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? '');
        errors.push({
          field:
            columnOf.get(field) ??
            (field === 'name' && type === 'leads' ? (columnOf.get('lastName') ?? columnOf.get('firstName') ?? 'name') : field || 'row'),
          message: issue.message,
        });
      }
    } else return { input: parsed.data as Record<string, unknown>, externalId, accountName, errors, warnings };
  }
  return { input, externalId, accountName, errors, warnings };
}
