import { actorId } from '../../platform/access/actor.js';
import { assertCan, can } from '../../platform/access/can.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { type ApiTokenView, tokenView } from './create-api-token.js';

/** Your own tokens; holders of token.manage_any see everyone's. */
export async function listApiTokens(ctx: UseCaseContext): Promise<{ items: ApiTokenView[]; nextCursor: null }> {
  assertCan(ctx.actor, 'token.manage_own');
  let query = ctx.db.selectFrom('api_tokens').selectAll().orderBy('created_at', 'desc').limit(500);
  if (!can(ctx.actor, 'token.manage_any')) query = query.where('user_id', '=', actorId(ctx.actor) ?? '00000000-0000-0000-0000-000000000000');
  return { items: (await query.execute()).map(tokenView), nextCursor: null };
}
