import { type QueryCreator, sql } from 'kysely';
import { auditInsert, auditRows } from './audit/append-audit.js';
import type { Database, Trx } from './db/database.js';
import { COMMIT_FOLLOWS } from './db/kysely.js';
import { outboxInsert } from './outbox/emit.js';
import type { PreCommitWrites } from './pre-commit.js';
import type { IdempotencyClaim } from './use-case-context.js';

type Part = 'audit' | 'outbox' | 'idempotency';

/**
 * The last writes of a use-case transaction — its audit rows, outbox events, the idempotency key's "committed"
 * mark and its commit guards — as one statement whose CTEs insert every row (from column arrays), whatever their
 * number. Nothing here waits for a lock except a guard's own rows: the audit rows are sealed into the hash chain
 * after commit. A guard that hit fewer rows than it needs throws its miss, and the transaction rolls back. It is
 * the last statement of the use case's work.
 */
export async function flushPreCommitWrites(
  trx: Trx,
  pending: PreCommitWrites,
  idempotency: IdempotencyClaim | undefined,
  /** The transaction commits as soon as this returns (it is not joined to a caller's transaction). */
  options: { commitFollows: boolean },
): Promise<void> {
  const parts: Part[] = [];
  if (pending.audit.length > 0) parts.push('audit');
  if (pending.outbox.length > 0) parts.push('outbox');
  if (idempotency) parts.push('idempotency');
  const statement = (db: QueryCreator<Database>, part: Part) =>
    part === 'audit'
      ? auditInsert(db, auditRows(pending.audit))
      : part === 'outbox'
        ? outboxInsert(db, pending.outbox)
        : markCommitted(db, idempotency!);
  const { guards } = pending;
  const last = guards.length > 0 ? undefined : parts.pop();
  if (!last && guards.length === 0) return;
  let creator = trx as QueryCreator<Database>;
  for (const part of parts) creator = creator.with(part, (db) => statement(db, part)) as unknown as QueryCreator<Database>;
  if (last) {
    // Nothing is read back, so the transaction's COMMIT can travel right behind this statement (see COMMIT_FOLLOWS).
    const compiled = statement(creator, last).compile();
    await trx.executeQuery(options.commitFollows ? { ...compiled, sql: compiled.sql + COMMIT_FOLLOWS } : compiled);
    return;
  }
  guards.forEach((guard, i) => {
    creator = creator.with(`guard_${i}`, () => sql`(${guard.statement})`) as unknown as QueryCreator<Database>;
  });
  const hits = await creator
    .selectNoFrom(guards.map((_, i) => sql<string>`(select count(*) from ${sql.table(`guard_${i}`)})`.as(`guard_${i}`)))
    .executeTakeFirstOrThrow();
  const missed = guards.find((guard, i) => Number((hits as Record<string, string>)[`guard_${i}`]) !== guard.rows);
  if (missed) throw missed.miss();
}

const markCommitted = (db: QueryCreator<Database>, claim: IdempotencyClaim) =>
  db
    .updateTable('idempotency_keys')
    .set({ state: 'committed' })
    .where('principal', '=', claim.principal)
    .where('key', '=', claim.key)
    .where('state', '=', 'in_flight');
