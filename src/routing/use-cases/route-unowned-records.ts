import { sql } from 'kysely';
import { assertCan } from '../../platform/access/can.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { ROUTABLE_TABLES } from '../core/record-types.js';
import { type BatchResult, CHUNK, addResult, emptyResult, routeChunk } from './route-records-batch.js';

export type UnownedRecordType = 'lead' | 'account' | 'opportunity';

/**
 * Bulk routing of every record of a type that has no owner yet (an import, a first go-live), read in keyset pages
 * of one chunk: memory stays flat whatever the count, and each page is one transaction, as in `routeRecordsBatch`.
 * A record left unassigned keeps no owner but is not visited again: pages move on by id. A record that gains an
 * owner between the page read and its lock (a concurrent create, sync or override) is left as it is.
 */
export async function routeUnownedRecords(
  ctx: UseCaseContext,
  request: { recordType: UnownedRecordType },
  onProgress?: (done: number, total: number) => void,
): Promise<BatchResult> {
  assertCan(ctx.actor, 'routing.route');
  const table = sql.table(ROUTABLE_TABLES[request.recordType]);
  const { rows: counted } = await sql<{ n: string }>`select count(*) as n from ${table} where owner_id is null`.execute(ctx.db);
  const expected = Number(counted[0]!.n);
  const total = emptyResult();
  let after: string | null = null;
  let done = 0;
  for (;;) {
    const { rows } = await sql<{ id: string }>`
      select id from ${table} where owner_id is null ${after === null ? sql`` : sql`and id > ${after}`} order by id limit ${CHUNK}`.execute(
      ctx.db,
    );
    if (rows.length === 0) break;
    const ids = rows.map((r) => r.id);
    addResult(total, await inTransaction(ctx, (trx) => routeChunk(trx, ctx, request.recordType, ids, { unownedOnly: true })));
    after = ids[ids.length - 1]!;
    done += ids.length;
    onProgress?.(done, Math.max(expected, done));
  }
  return total;
}
