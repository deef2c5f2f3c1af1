import type { QueryCreator } from 'kysely';
import { auditInsert, chainRows, lockChainHead } from './audit/append-audit.js';
import type { Database, Trx } from './db/database.js';
import { outboxInsert } from './outbox/emit.js';
import type { PreCommitWrites } from './pre-commit.js';
import type { IdempotencyClaim } from './use-case-context.js';

/**
 * The last writes of a use-case transaction: its audit rows, outbox events, the chain head and the idempotency
 * key's "committed" mark. Whatever the number of rows it is two round trips — lock the chain head, then one
 * statement whose CTEs insert every row (from column arrays) — so the chain lock is held for one statement and
 * the commit.
 */
export async function flushPreCommitWrites(trx: Trx, pending: PreCommitWrites, idempotency: IdempotencyClaim | undefined): Promise<void> {
  const chained = pending.audit.length > 0 ? chainRows(await lockChainHead(trx), pending.audit) : null;
  // Each part is a CTE of one statement; the parts present depend on the use case.
  const parts: Array<'audit' | 'outbox' | 'idempotency'> = [];
  if (chained) parts.push('audit');
  if (pending.outbox.length > 0) parts.push('outbox');
  if (idempotency) parts.push('idempotency');
  if (parts.length === 0) return;
  const last = chained ? null : parts.pop()!;
  let creator = trx as QueryCreator<Database>;
  for (const part of parts) {
    creator = creator.with(part, (db) =>
      part === 'audit'
        ? auditInsert(db, chained!.rows).returning('seq')
        : part === 'outbox'
          ? outboxInsert(db, pending.outbox).returning('seq')
          : markCommitted(db, idempotency!).returning('key'),
    ) as unknown as QueryCreator<Database>;
  }
  if (chained) await creator.updateTable('audit_chain_head').set({ seq: chained.head.seq, hash: chained.head.hash }).execute();
  else if (last === 'outbox') await outboxInsert(creator, pending.outbox).execute();
  else await markCommitted(creator, idempotency!).execute();
}

const markCommitted = (db: QueryCreator<Database>, claim: IdempotencyClaim) =>
  db.updateTable('idempotency_keys').set({ state: 'committed' }).where('principal', '=', claim.principal).where('key', '=', claim.key).where('state', '=', 'in_flight');
