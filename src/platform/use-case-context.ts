import { sql } from 'kysely';
import type { Actor } from './access/actor.js';
import type { Clock } from './clock.js';
import type { Db, Trx } from './db/database.js';
import { sealSoon } from './audit/seal-audit.js';
import { flushPreCommitWrites } from './flush-pre-commit.js';
import { collectPreCommitWritesIn, takePreCommitWrites } from './pre-commit.js';

/** Marks an idempotent request's effect as committed, inside the effect's own transaction. */
export type IdempotencyClaim = { principal: string; key: string };

/** Everything a use case needs from the outside world, passed in explicitly. */
export type UseCaseContext = {
  db: Db;
  actor: Actor;
  clock: Clock;
  requestId?: string;
  idempotency?: IdempotencyClaim;
};

export function actorOf(ctx: UseCaseContext): { id: string | null; label: string } {
  return ctx.actor.kind === 'user' ? { id: ctx.actor.userId, label: ctx.actor.label } : { id: null, label: ctx.actor.label };
}

/**
 * The one way a use case writes: a single transaction that carries a partner's scope (for row-level security)
 * as a transaction-local setting, and — for idempotent requests — marks the key as
 * committed together with the effect, so a crash after commit can never run the effect twice.
 */
export async function inTransaction<T>(ctx: UseCaseContext, work: (trx: Trx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      let audited = false;
      const result = await ctx.db.transaction().execute(async (trx) => {
        // Row-level security scopes a partner's transaction to its partner; without the setting it matches nothing
        // partner-scoped, which is what every other actor gets — so only partners pay the round trip.
        if (ctx.actor.partnerId) await sql`select set_config('baton.partner_id', ${ctx.actor.partnerId}, true)`.execute(trx);
        collectPreCommitWritesIn(trx);
        const result = await work(trx);
        const pending = takePreCommitWrites(trx);
        audited = pending.audit.length > 0;
        // Joined to a caller's transaction (dbWithin), this is not the last statement before COMMIT.
        await flushPreCommitWrites(trx, pending, ctx.idempotency, { commitFollows: !ctx.db.isTransaction });
        return result;
      });
      if (audited) sealSoon(ctx.db);
      return result;
    } catch (error) {
      // PostgreSQL broke a lock cycle by rolling this transaction back whole; running it again is safe.
      if (attempt >= DEADLOCK_ATTEMPTS || (error as { code?: string }).code !== DEADLOCK_DETECTED) throw error;
    }
  }
}

const DEADLOCK_DETECTED = '40P01';
const DEADLOCK_ATTEMPTS = 3;
