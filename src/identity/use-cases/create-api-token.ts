import { assertCan } from '../../platform/access/can.js';
import { actorId } from '../../platform/access/actor.js';
import { AppError, invalidField } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { CreateTokenInput } from '../schemas.js';
import { newSecret, sha256 } from '../secret-tokens.js';
import { findUserById } from '../store.js';

export type ApiTokenView = {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

/** Creates a bearer token for the caller (or, with token.manage_any, for another user). The secret is returned once. */
export async function createApiToken(ctx: UseCaseContext, input: CreateTokenInput): Promise<ApiTokenView & { token: string }> {
  const ownerId = input.userId ?? actorId(ctx.actor);
  if (!ownerId) throw invalidField('userId', 'required when acting as the system');
  assertCan(ctx.actor, ownerId === actorId(ctx.actor) ? 'token.manage_own' : 'token.manage_any');
  const prefix = newSecret().slice(0, 8);
  const token = `baton_${prefix}_${newSecret()}`;
  const now = ctx.clock.now();
  const expiresAt = input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000) : null;
  return inTransaction(ctx, async (trx) => {
    const owner = await findUserById(trx, ownerId);
    if (!owner) throw invalidField('userId', 'no such user');
    if (owner.status !== 'active') throw new AppError('rule_violation', 'Deactivated users cannot hold tokens.');
    const row = await trx
      .insertInto('api_tokens')
      .values({ user_id: owner.id, name: input.name, token_hash: sha256(token), token_prefix: prefix, created_by: actorId(ctx.actor), created_at: now, expires_at: expiresAt })
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = tokenView(row);
    await recordChange(trx, ctx, { event: 'token.created', entityType: 'api_token', entityId: row.id, after: view });
    return { ...view, token };
  });
}

export const tokenView = (t: {
  id: string;
  user_id: string;
  name: string;
  token_prefix: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}): ApiTokenView => ({
  id: t.id,
  userId: t.user_id,
  name: t.name,
  prefix: t.token_prefix,
  createdAt: t.created_at.toISOString(),
  expiresAt: t.expires_at?.toISOString() ?? null,
  lastUsedAt: t.last_used_at?.toISOString() ?? null,
  revokedAt: t.revoked_at?.toISOString() ?? null,
});
