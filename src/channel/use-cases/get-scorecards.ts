import { stringify } from 'csv-stringify/sync';
import { assertCan } from '../../platform/access/can.js';
import { invalidField, notFound } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { safeCell } from '../../routing/core/exception-report.js';
import { channelPolicy } from '../channel-context.js';
import { type PaperPolicy, type Period, SCORECARD_CSV_COLUMNS, type Scorecard, buildScorecards, monthlyPeriods, scorecardCsvRow } from '../core/scorecard.js';
import { scorecardInputs } from '../scorecard-store.js';
import type { ScorecardQueryInput } from '../schemas/scorecards.js';

const DAY = 86_400_000;
const DEFAULT_DAYS = 90;
const MAX_DAYS = 3 * 366;

/** [from, to): `to` defaults to now, `from` to 90 days before `to`. */
export function periodOf(ctx: UseCaseContext, query: ScorecardQueryInput): Period {
  const to = query.to ? new Date(query.to) : ctx.clock.now();
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_DAYS * DAY);
  if (from.getTime() >= to.getTime()) throw invalidField('from', 'must be before to');
  if (to.getTime() - from.getTime() > MAX_DAYS * DAY) throw invalidField('from', `the period may span at most ${MAX_DAYS} days`);
  return { from, to };
}

type Scorecards = { from: string; to: string; policy: PaperPolicy; items: Scorecard[] };

/** Every partner's scorecard for the period, with the paper-partner flag and the numbers behind it. */
export async function getScorecards(ctx: UseCaseContext, query: ScorecardQueryInput): Promise<Scorecards> {
  assertCan(ctx.actor, 'scorecard.read');
  const period = periodOf(ctx, query);
  const p = await channelPolicy(ctx.db);
  const policy = { paperMinActive: p.paperMinActive, paperMaxWinRate: p.paperMaxWinRate, paperWindowDays: p.paperWindowDays };
  const [inputs] = await scorecardInputs(ctx.db, [period], policy.paperWindowDays);
  return { from: period.from.toISOString(), to: period.to.toISOString(), policy, items: buildScorecards(inputs ?? [], policy) };
}

/** One partner's scorecard plus a monthly series (the 12 calendar months up to `to`) for charts. */
export async function getPartnerScorecard(ctx: UseCaseContext, partnerId: string, query: ScorecardQueryInput) {
  assertCan(ctx.actor, 'scorecard.read');
  const period = periodOf(ctx, query);
  const exists = await ctx.db.selectFrom('partners').select('id').where('id', '=', partnerId).executeTakeFirst();
  if (!exists) throw notFound('partner');
  const p = await channelPolicy(ctx.db);
  const policy = { paperMinActive: p.paperMinActive, paperMaxWinRate: p.paperMaxWinRate, paperWindowDays: p.paperWindowDays };
  const months = monthlyPeriods(period.to);
  const all = await scorecardInputs(ctx.db, [period, ...months], policy.paperWindowDays);
  const own = (inputs: (typeof all)[number]) => buildScorecards(inputs, policy).find((s) => s.partnerId === partnerId)!;
  return {
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    policy,
    scorecard: own(all[0]!),
    series: months.map((m, i) => {
      const { partnerId: _id, partnerName: _name, tier: _tier, territory: _territory, ...metrics } = own(all[i + 1]!);
      return { month: m.month, from: m.from.toISOString(), to: m.to.toISOString(), ...metrics };
    }),
  };
}

/** The same as CSV; cells a spreadsheet would read as a formula (= + - @, tab, CR) are quoted with '. */
export async function getScorecardsCsv(ctx: UseCaseContext, query: ScorecardQueryInput): Promise<string> {
  const { items } = await getScorecards(ctx, query);
  return stringify([[...SCORECARD_CSV_COLUMNS], ...items.map((s) => scorecardCsvRow(s).map(safeCell))]);
}
