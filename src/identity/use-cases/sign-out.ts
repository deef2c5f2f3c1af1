import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';

/** Revokes the caller's own session server-side; the cookie alone is then worthless. */
export async function signOut(ctx: UseCaseContext): Promise<void> {
  if (ctx.actor.kind !== 'user' || !ctx.actor.sessionId) return;
  const sessionId = ctx.actor.sessionId;
  await inTransaction(ctx, async (trx) => {
    const revoked = await trx
      .updateTable('sessions')
      .set({ revoked_at: ctx.clock.now(), revoked_reason: 'signed_out' })
      .where('id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (revoked) await recordChange(trx, ctx, { event: 'session.revoked', entityType: 'session', entityId: sessionId, reason: 'signed out' });
  });
}
