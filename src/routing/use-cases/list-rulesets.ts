import { assertCan } from '../../platform/access/can.js';
import type { RulesetStatus } from '../../platform/db/database.js';
import { notFound } from '../../platform/errors.js';
import { type Page, decodeCursor, toPage } from '../../platform/pagination.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import type { RoutableRecordType } from '../core/record-types.js';
import { findRuleset } from '../store.js';
import { type RulesetView, rulesetView } from '../views.js';

export type RulesetQuery = { limit: number; cursor?: string; recordType?: RoutableRecordType; status?: RulesetStatus };

/** Newest version first within each record type. */
export async function listRulesets(ctx: UseCaseContext, query: RulesetQuery): Promise<Page<RulesetView>> {
  assertCan(ctx.actor, 'ruleset.read');
  let q = ctx.db.selectFrom('rulesets').selectAll();
  if (query.recordType) q = q.where('record_type', '=', query.recordType);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.cursor) {
    const [type, number] = decodeCursor(query.cursor, 2) as [string, number];
    q = q.where((eb) => eb.or([eb('record_type', '>', type as RoutableRecordType), eb.and([eb('record_type', '=', type as RoutableRecordType), eb('number', '<', Number(number))])]));
  }
  const rows = await q.orderBy('record_type').orderBy('number', 'desc').limit(query.limit + 1).execute();
  return toPage(rows, query.limit, rulesetView, (r) => [r.record_type, r.number]);
}

export async function getRuleset(ctx: UseCaseContext, id: string): Promise<RulesetView> {
  assertCan(ctx.actor, 'ruleset.read');
  const row = await findRuleset(ctx.db, id);
  if (!row) throw notFound('rule set');
  return rulesetView(row);
}
