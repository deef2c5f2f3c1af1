import type { z } from 'zod';
import { can } from '../../platform/access/can.js';
import { AppError, invalidField } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, actorOf, inTransaction } from '../../platform/use-case-context.js';
import type { CreateAbsenceSchema } from '../schemas.js';
import { findPerson } from '../store.js';

/** Out-of-office windows: anyone for themselves, managers and RevOps for anybody. Pools skip people while away. */
export async function createAbsence(ctx: UseCaseContext, input: z.infer<typeof CreateAbsenceSchema>) {
  const me = actorOf(ctx).id;
  const userId = input.userId ?? me;
  if (!userId) throw invalidField('userId', 'required');
  const allowed = userId === me ? can(ctx.actor, 'absence.manage_own') : can(ctx.actor, 'absence.manage_any');
  if (!allowed) throw new AppError('forbidden');
  return inTransaction(ctx, async (trx) => {
    const person = await findPerson(trx, userId);
    if (!person || person.partnerId !== null) throw invalidField('userId', 'no such internal user');
    const row = await trx
      .insertInto('absences')
      .values({ user_id: userId, starts_at: new Date(input.startsAt), ends_at: new Date(input.endsAt), reason: input.reason ?? null, created_by: me, created_at: ctx.clock.now() })
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = { id: row.id, userId: row.user_id, startsAt: row.starts_at.toISOString(), endsAt: row.ends_at.toISOString(), reason: row.reason };
    await recordChange(trx, ctx, { event: 'absence.created', entityType: 'user', entityId: userId, after: view });
    return view;
  });
}

export async function listAbsences(ctx: UseCaseContext, query: { userId?: string }) {
  if (!can(ctx.actor, 'absence.manage_own') && !can(ctx.actor, 'absence.manage_any')) throw new AppError('forbidden');
  let q = ctx.db.selectFrom('absences').selectAll().where('ends_at', '>', ctx.clock.now());
  if (query.userId) q = q.where('user_id', '=', query.userId);
  const rows = await q.orderBy('starts_at').limit(500).execute();
  return { items: rows.map((r) => ({ id: r.id, userId: r.user_id, startsAt: r.starts_at.toISOString(), endsAt: r.ends_at.toISOString(), reason: r.reason })) };
}
