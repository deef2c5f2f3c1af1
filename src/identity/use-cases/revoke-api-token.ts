import { actorId } from '../../platform/access/actor.js';
import { assertCan, can } from '../../platform/access/can.js';
import { AppError, notFound } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { type ApiTokenView, tokenView } from './create-api-token.js';

export async function revokeApiToken(ctx: UseCaseContext, tokenId: string): Promise<ApiTokenView> {
  assertCan(ctx.actor, 'token.manage_own');
  return inTransaction(ctx, async (trx) => {
    const token = await trx.selectFrom('api_tokens').selectAll().where('id', '=', tokenId).forUpdate().executeTakeFirst();
    // Someone else's token answers exactly like a missing one.
    if (!token || (token.user_id !== actorId(ctx.actor) && !can(ctx.actor, 'token.manage_any'))) throw notFound('token');
    if (token.revoked_at) throw new AppError('conflict', 'The token is already revoked.');
    const row = await trx.updateTable('api_tokens').set({ revoked_at: ctx.clock.now() }).where('id', '=', tokenId).returningAll().executeTakeFirstOrThrow();
    const after = tokenView(row);
    await recordChange(trx, ctx, { event: 'token.revoked', entityType: 'api_token', entityId: tokenId, before: tokenView(token), after });
    return after;
  });
}
