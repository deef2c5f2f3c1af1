import type { Actor } from '../../platform/access/actor.js';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db/database.js';
import { sha256 } from '../secret-tokens.js';
import { findApiTokenByHash, findSessionByTokenHash } from '../store.js';
import type { SessionPolicy } from './sign-in.js';

// Touching last_seen_at on every request would turn each read into a write; a minute is fine-grained enough.
const TOUCH_AFTER_MS = 60_000;

/** Resolves a session cookie to an actor, enforcing revocation, idle and absolute timeouts. */
export async function authenticateSession(deps: { db: Db; clock: Clock; policy: SessionPolicy }, token: string): Promise<Actor | null> {
  const session = await findSessionByTokenHash(deps.db, sha256(token));
  if (!session || session.revoked_at || session.status !== 'active') return null;
  const now = deps.clock.now();
  if (now >= session.expires_at) return null;
  if (now.getTime() - session.last_seen_at.getTime() > deps.policy.idleMinutes * 60_000) return null;
  if (now.getTime() - session.last_seen_at.getTime() > TOUCH_AFTER_MS) {
    await deps.db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', session.session_id).execute();
  }
  return { kind: 'user', userId: session.user_id, role: session.role, partnerId: session.partner_id, label: session.email, via: 'session', sessionId: session.session_id };
}

/** Resolves a bearer token; the actor carries the token owner's current role. */
export async function authenticateToken(deps: { db: Db; clock: Clock }, token: string): Promise<Actor | null> {
  const found = await findApiTokenByHash(deps.db, sha256(token));
  if (!found || found.revoked_at || found.status !== 'active') return null;
  const now = deps.clock.now();
  if (found.expires_at && now >= found.expires_at) return null;
  if (!found.last_used_at || now.getTime() - found.last_used_at.getTime() > TOUCH_AFTER_MS) {
    await deps.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', found.token_id).execute();
  }
  return { kind: 'user', userId: found.user_id, role: found.role, partnerId: found.partner_id, label: found.email, via: 'token', tokenId: found.token_id };
}
