import type { QueryCreator } from 'kysely';
import { chainRows, insertAuditRows, lockChainHead, moveChainHead } from './audit/append-audit.js';
import type { Database, Trx } from './db/database.js';
import { insertOutboxRows } from './outbox/emit.js';
import type { PreCommitWrites } from './pre-commit.js';
import type { IdempotencyClaim } from './use-case-context.js';

// Postgres allows 65,535 bind parameters per statement; past this many, the rows go in chunks instead.
const ONE_STATEMENT_PARAMETERS = 30_000;

/**
 * The last writes of a use-case transaction: its audit rows, outbox events, the chain head and the idempotency
 * key's "committed" mark. A usual use case pays two round trips for all of it — lock the chain head, then one
 * statement whose CTEs insert every row — so the chain lock is held for one statement and the commit.
 */
export async function flushPreCommitWrites(trx: Trx, pending: PreCommitWrites, idempotency: IdempotencyClaim | undefined): Promise<void> {
  const chained = pending.audit.length > 0 ? chainRows(await lockChainHead(trx), pending.audit) : null;
  const parameters = (chained?.rows.length ?? 0) * 14 + pending.outbox.length * 7;
  if (parameters > ONE_STATEMENT_PARAMETERS) {
    await insertOutboxRows(trx, pending.outbox);
    if (chained) {
      await insertAuditRows(trx, chained.rows);
      await moveChainHead(trx, chained.head);
    }
    if (idempotency) await markCommitted(trx, idempotency).execute();
    return;
  }
  // Each part is a CTE of one statement; the parts present depend on the use case.
  let creator = trx as QueryCreator<Database>;
  const parts: Array<'audit' | 'outbox' | 'idempotency'> = [];
  if (chained) parts.push('audit');
  if (pending.outbox.length > 0) parts.push('outbox');
  if (idempotency) parts.push('idempotency');
  if (parts.length === 0) return;
  const last = chained ? null : parts.pop()!;
  for (const part of parts) {
    creator = creator.with(part, (db) =>
      part === 'audit'
        ? db.insertInto('audit_events').values(chained!.rows).returning('seq')
        : part === 'outbox'
          ? db.insertInto('outbox_events').values(pending.outbox).returning('seq')
          : markCommitted(db, idempotency!).returning('key'),
    ) as unknown as QueryCreator<Database>;
  }
  if (chained) await creator.updateTable('audit_chain_head').set({ seq: chained.head.seq, hash: chained.head.hash }).execute();
  else if (last === 'outbox') await creator.insertInto('outbox_events').values(pending.outbox).execute();
  else await markCommitted(creator, idempotency!).execute();
}

const markCommitted = (db: QueryCreator<Database>, claim: IdempotencyClaim) =>
  db
    .updateTable('idempotency_keys')
    .set({ state: 'committed' })
    .where('principal', '=', claim.principal)
    .where('key', '=', claim.key)
    .where('state', '=', 'in_flight');
