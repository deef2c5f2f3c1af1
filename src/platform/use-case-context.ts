import { sql } from 'kysely';
import type { Actor } from './access/actor.js';
import { appendAuditBatch } from './audit/append-audit.js';
import { deferAuditIn, takeDeferredAudit } from './audit/deferred-audit.js';
import type { Clock } from './clock.js';
import type { Db, Trx } from './db/database.js';

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
  return ctx.actor.kind === 'user'
    ? { id: ctx.actor.userId, label: ctx.actor.label }
    : { id: null, label: ctx.actor.label };
}

/**
 * The one way a use case writes: a single transaction that carries the actor (and partner scope, for
 * row-level security) as transaction-local settings, and — for idempotent requests — marks the key as
 * committed together with the effect, so a crash after commit can never run the effect twice.
 */
export async function inTransaction<T>(ctx: UseCaseContext, work: (trx: Trx) => Promise<T>): Promise<T> {
  return ctx.db.transaction().execute(async (trx) => {
    const actor = actorOf(ctx);
    await sql`select set_config('baton.actor_id', ${actor.id ?? ''}, true),
                     set_config('baton.partner_id', ${ctx.actor.partnerId ?? ''}, true)`.execute(trx);
    deferAuditIn(trx);
    const result = await work(trx);
    await flushAudit(trx, takeDeferredAudit(trx));
    if (ctx.idempotency) {
      await trx
        .updateTable('idempotency_keys')
        .set({ state: 'committed' })
        .where('principal', '=', ctx.idempotency.principal)
        .where('key', '=', ctx.idempotency.key)
        .where('state', '=', 'in_flight')
        .execute();
    }
    return result;
  });
}

/** Appends the deferred audit rows in order, one batch per run of changes made under the same context. */
async function flushAudit(trx: Trx, pending: ReturnType<typeof takeDeferredAudit>): Promise<void> {
  let start = 0;
  for (let i = 1; i <= pending.length; i++) {
    if (i === pending.length || pending[i]!.ctx !== pending[start]!.ctx) {
      await appendAuditBatch(trx, pending[start]!.ctx, pending.slice(start, i).map((p) => p.change));
      start = i;
    }
  }
}
