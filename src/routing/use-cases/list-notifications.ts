import { assertCan } from '../../platform/access/can.js';
import { AppError } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';

export type NotificationView = { id: string; kind: string; recordType: string | null; recordId: string | null; title: string; body: string; createdAt: string; readAt: string | null };

/** My inbox, newest first, with the unread count for the badge. */
export async function listNotifications(ctx: UseCaseContext, query: { unreadOnly?: boolean; limit: number }): Promise<{ items: NotificationView[]; unread: number }> {
  assertCan(ctx.actor, 'notification.read_own');
  if (ctx.actor.kind !== 'user') throw new AppError('forbidden', 'Only a person has an inbox.');
  const userId = ctx.actor.userId;
  let q = ctx.db.selectFrom('notifications').selectAll().where('user_id', '=', userId);
  if (query.unreadOnly) q = q.where('read_at', 'is', null);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id').limit(query.limit).execute();
  const { unread } = await ctx.db.selectFrom('notifications').select((eb) => eb.fn.countAll<string>().as('unread')).where('user_id', '=', userId).where('read_at', 'is', null).executeTakeFirstOrThrow();
  return {
    items: rows.map((n) => ({ id: n.id, kind: n.kind, recordType: n.record_type, recordId: n.record_id, title: n.title, body: n.body, createdAt: n.created_at.toISOString(), readAt: n.read_at?.toISOString() ?? null })),
    unread: Number(unread),
  };
}
