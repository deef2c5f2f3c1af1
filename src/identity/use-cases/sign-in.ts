import type { Db } from '../../platform/db/database.js';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { inTransaction } from '../../platform/use-case-context.js';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from '../passwords.js';
import { newSecret, sha256 } from '../secret-tokens.js';
import { findUserByEmail } from '../store.js';
import { type UserView, userView } from '../views.js';

export type SessionPolicy = { idleMinutes: number; absoluteHours: number };

export type SignInResult = { user: UserView; sessionToken: string; sessionId: string; expiresAt: Date };

/**
 * Verifies the password and opens a new server-side session. The session presented with the request (if
 * any) is revoked, so every sign-in rotates the identifier. Unknown email and wrong password look the same.
 */
export async function signIn(
  deps: { db: Db; clock: Clock; requestId?: string; policy: SessionPolicy },
  input: { email: string; password: string; previousSessionToken?: string; ip?: string; userAgent?: string },
): Promise<SignInResult> {
  const user = await findUserByEmail(deps.db, input.email);
  const valid = await verifyPassword(user?.password_hash ?? (await decoyHash()), input.password);
  if (!user || !user.password_hash || !valid || user.status !== 'active') {
    throw new AppError('unauthenticated', 'Email or password is wrong.');
  }
  const rehash = needsRehash(user.password_hash) ? await hashPassword(input.password) : null;
  const now = deps.clock.now();
  const sessionToken = newSecret();
  const expiresAt = new Date(now.getTime() + deps.policy.absoluteHours * 3_600_000);
  const ctx = {
    db: deps.db,
    clock: deps.clock,
    requestId: deps.requestId,
    actor: { kind: 'user', userId: user.id, role: user.role, partnerId: user.partner_id, label: user.email, via: 'session' } as const,
  };
  const sessionId = await inTransaction(ctx, async (trx) => {
    if (input.previousSessionToken) {
      await trx
        .updateTable('sessions')
        .set({ revoked_at: now, revoked_reason: 'rotated' })
        .where('token_hash', '=', sha256(input.previousSessionToken))
        .where('revoked_at', 'is', null)
        .execute();
    }
    if (rehash) await trx.updateTable('users').set({ password_hash: rehash }).where('id', '=', user.id).execute();
    const session = await trx
      .insertInto('sessions')
      .values({
        token_hash: sha256(sessionToken),
        user_id: user.id,
        created_at: now,
        last_seen_at: now,
        expires_at: expiresAt,
        ip: input.ip ?? null,
        user_agent: input.userAgent?.slice(0, 400) ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordChange(trx, ctx, {
      event: 'session.created',
      entityType: 'session',
      entityId: session.id,
      after: { userId: user.id, expiresAt: expiresAt.toISOString(), ip: input.ip ?? null },
    });
    return session.id;
  });
  return { user: userView(user), sessionToken, sessionId, expiresAt };
}
