/**
 * The weekly routing exception report: every place where routing did not simply work — people overrode
 * it, escalations fired, SLAs were breached, records sat unassigned, or only the catch-all rule matched
 * (a rule gap) — counted by team and by rule, plus one flat row per item for the CSV export.
 *
 * Teams: the team of the assignment the item is about (for overrides, the assignment that was overridden,
 * so the team whose routing people disagreed with). Rules: the rule that placed that assignment.
 * Unassigned records have neither; they are grouped by their reason code instead.
 */

export const EXCEPTION_CATEGORIES = ['override', 'escalation', 'breach', 'unassigned', 'catch_all'] as const;
export type ExceptionCategory = (typeof EXCEPTION_CATEGORIES)[number];

export type ExceptionItem = {
  category: ExceptionCategory;
  /** e.g. `manual` / `request` (override), `reassigned` / `notify_owner` (escalation), `open_past_due` (breach). */
  kind: string;
  recordType: string;
  recordId: string;
  teamId: string | null;
  teamName: string | null;
  rulesetId: string | null;
  ruleId: string | null;
  ruleName: string | null;
  ownerId: string | null;
  /** Status of an override request, reason code of an unassigned record, … */
  status: string | null;
  detail: string | null;
  at: string;
};

export type Counts = Record<ExceptionCategory, number> & { total: number };
export type TeamRow = { teamId: string | null; teamName: string | null } & Counts;
export type RuleRow = { rulesetId: string | null; ruleId: string | null; ruleName: string | null } & Counts;

export type ExceptionReport = {
  period: { from: string; to: string };
  totals: Counts;
  byTeam: TeamRow[];
  byRule: RuleRow[];
  unassignedByReason: Array<{ reasonCode: string; count: number }>;
  items: ExceptionItem[];
};

const zero = (): Counts => ({ override: 0, escalation: 0, breach: 0, unassigned: 0, catch_all: 0, total: 0 });

function tally<K, R extends Counts>(items: ExceptionItem[], keyOf: (i: ExceptionItem) => K, newRow: (i: ExceptionItem) => R, include: (i: ExceptionItem) => boolean): R[] {
  const rows = new Map<K, R>();
  for (const item of items) {
    if (!include(item)) continue;
    const key = keyOf(item);
    let row = rows.get(key);
    if (!row) rows.set(key, (row = newRow(item)));
    row[item.category]++;
    row.total++;
  }
  return [...rows.values()].sort((a, b) => b.total - a.total);
}

const CATEGORY_ORDER = new Map(EXCEPTION_CATEGORIES.map((c, i) => [c, i]));

export function buildExceptionReport(period: { from: string; to: string }, items: ExceptionItem[]): ExceptionReport {
  const ordered = [...items].sort((a, b) => CATEGORY_ORDER.get(a.category)! - CATEGORY_ORDER.get(b.category)! || a.at.localeCompare(b.at) || a.recordId.localeCompare(b.recordId));
  const totals = zero();
  for (const item of ordered) {
    totals[item.category]++;
    totals.total++;
  }
  const reasons = new Map<string, number>();
  for (const item of ordered) if (item.category === 'unassigned') reasons.set(item.status ?? 'unknown', (reasons.get(item.status ?? 'unknown') ?? 0) + 1);
  return {
    period,
    totals,
    byTeam: tally(ordered, (i) => i.teamId, (i) => ({ teamId: i.teamId, teamName: i.teamName, ...zero() }), (i) => i.category !== 'unassigned'),
    byRule: tally(ordered, (i) => `${i.rulesetId}:${i.ruleId}`, (i) => ({ rulesetId: i.rulesetId, ruleId: i.ruleId, ruleName: i.ruleName, ...zero() }), (i) => i.category !== 'unassigned'),
    unassignedByReason: [...reasons.entries()].map(([reasonCode, count]) => ({ reasonCode, count })).sort((a, b) => b.count - a.count || a.reasonCode.localeCompare(b.reasonCode)),
    items: ordered,
  };
}

/**
 * A spreadsheet opening the export must never run a cell as a formula (CSV injection): cells starting with
 * `=`, `+`, `-`, `@`, tab or carriage return get a leading apostrophe. Numbers are left alone.
 */
export function safeCell(value: string | number | null): string | number {
  if (value === null) return '';
  if (typeof value === 'number') return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export const CSV_HEADER = ['category', 'kind', 'record_type', 'record_id', 'team', 'team_id', 'rule', 'rule_id', 'ruleset_id', 'owner_id', 'status', 'detail', 'at'] as const;

export function exceptionCsvRows(report: ExceptionReport): Array<Array<string | number>> {
  return [
    [...CSV_HEADER],
    ...report.items.map((i) =>
      [i.category, i.kind, i.recordType, i.recordId, i.teamName, i.teamId, i.ruleName, i.ruleId, i.rulesetId, i.ownerId, i.status, i.detail, i.at].map(safeCell),
    ),
  ];
}
