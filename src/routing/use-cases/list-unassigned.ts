import { assertCan } from '../../platform/access/can.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { recordTitles } from '../store.js';

export type UnassignedItem = { recordType: string; recordId: string; title: string; reasonCode: string; reason: string; since: string; rulesetId: string | null; explanation: unknown };

/** Records routing could not place, oldest first, each with the reason and the explanation of the attempt. */
export async function listUnassigned(ctx: UseCaseContext, query: { recordType?: string; limit: number }): Promise<{ items: UnassignedItem[]; byReason: Array<{ reasonCode: string; count: number }> }> {
  assertCan(ctx.actor, 'queue.risk');
  let q = ctx.db.selectFrom('unassigned_records').selectAll();
  if (query.recordType) q = q.where('record_type', '=', query.recordType);
  const rows = await q.orderBy('since').limit(query.limit).execute();
  const titles = await recordTitles(ctx.db, rows.map((r) => ({ recordType: r.record_type, recordId: r.record_id })));
  let counts = ctx.db.selectFrom('unassigned_records').select(['reason_code', (eb) => eb.fn.countAll<string>().as('count')]).groupBy('reason_code');
  if (query.recordType) counts = counts.where('record_type', '=', query.recordType);
  return {
    items: rows.map((r) => ({
      recordType: r.record_type,
      recordId: r.record_id,
      title: titles.get(`${r.record_type}:${r.record_id}`) ?? r.record_type,
      reasonCode: r.reason_code,
      reason: r.reason,
      since: r.since.toISOString(),
      rulesetId: r.ruleset_id,
      explanation: r.explanation,
    })),
    byReason: (await counts.orderBy('count', 'desc').execute()).map((r) => ({ reasonCode: r.reason_code, count: Number(r.count) })),
  };
}
