import type { QueryCreator } from 'kysely';
import { auditInsert, auditRows } from './audit/append-audit.js';
import type { Database, Trx } from './db/database.js';
import { outboxInsert } from './outbox/emit.js';
import type { PreCommitWrites } from './pre-commit.js';
import type { IdempotencyClaim } from './use-case-context.js';

type Part = 'audit' | 'outbox' | 'idempotency';

/**
 * The last writes of a use-case transaction — its audit rows, outbox events and the idempotency key's
 * "committed" mark — as one statement whose CTEs insert every row (from column arrays), whatever their number.
 * Nothing here takes a lock: the audit rows are sealed into the hash chain after commit.
 */
export async function flushPreCommitWrites(trx: Trx, pending: PreCommitWrites, idempotency: IdempotencyClaim | undefined): Promise<void> {
  const parts: Part[] = [];
  if (pending.audit.length > 0) parts.push('audit');
  if (pending.outbox.length > 0) parts.push('outbox');
  if (idempotency) parts.push('idempotency');
  const last = parts.pop();
  if (!last) return;
  const statement = (db: QueryCreator<Database>, part: Part) =>
    part === 'audit'
      ? auditInsert(db, auditRows(pending.audit))
      : part === 'outbox'
        ? outboxInsert(db, pending.outbox)
        : markCommitted(db, idempotency!);
  let creator = trx as QueryCreator<Database>;
  for (const part of parts) creator = creator.with(part, (db) => statement(db, part)) as unknown as QueryCreator<Database>;
  await statement(creator, last).execute();
}

const markCommitted = (db: QueryCreator<Database>, claim: IdempotencyClaim) =>
  db.updateTable('idempotency_keys').set({ state: 'committed' }).where('principal', '=', claim.principal).where('key', '=', claim.key).where('state', '=', 'in_flight');
