import { assertCan } from '../../platform/access/can.js';
import { AppError } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { recordTitles, routingPolicy } from '../store.js';

export type WorkItem = {
  assignmentId: string;
  recordType: string;
  recordId: string;
  title: string;
  reason: string;
  priority: string;
  dueAt: string;
  acknowledgedAt: string | null;
  state: 'breached' | 'due_soon' | 'on_track' | 'acknowledged';
  assignedAt: string;
};

/** Everything I own right now: unacknowledged work first, soonest due first. */
export async function getMyWork(ctx: UseCaseContext): Promise<{ items: WorkItem[]; counts: Record<WorkItem['state'], number> }> {
  assertCan(ctx.actor, 'assignment.read');
  if (ctx.actor.kind !== 'user') throw new AppError('forbidden', 'Only a person has work of their own.');
  const now = ctx.clock.now();
  const dueSoonMs = Number((await routingPolicy(ctx.db)).due_soon_hours) * 3_600_000;
  const rows = await ctx.db
    .selectFrom('assignments')
    .selectAll()
    .where('owner_id', '=', ctx.actor.userId)
    .where('closed_at', 'is', null)
    .orderBy((eb) => eb.case().when('acknowledged_at', 'is', null).then(0).else(1).end())
    .orderBy('due_at')
    .limit(500)
    .execute();
  const titles = await recordTitles(ctx.db, rows.map((r) => ({ recordType: r.record_type, recordId: r.record_id })));
  const items = rows.map((r): WorkItem => {
    const left = r.due_at.getTime() - now.getTime();
    return {
      assignmentId: r.id,
      recordType: r.record_type,
      recordId: r.record_id,
      title: titles.get(`${r.record_type}:${r.record_id}`) ?? r.record_type,
      reason: r.reason,
      priority: r.priority,
      dueAt: r.due_at.toISOString(),
      acknowledgedAt: r.acknowledged_at?.toISOString() ?? null,
      state: r.acknowledged_at ? 'acknowledged' : left < 0 ? 'breached' : left <= dueSoonMs ? 'due_soon' : 'on_track',
      assignedAt: r.created_at.toISOString(),
    };
  });
  const counts = { breached: 0, due_soon: 0, on_track: 0, acknowledged: 0 };
  for (const item of items) counts[item.state]++;
  return { items, counts };
}
