import { sql } from 'kysely';
import type { Trx } from './database.js';
import { PARTNER_DB_ROLE } from './roles.js';

/**
 * Runs `work` behind the partner wall: the transaction switches to the partner role (column grants, forced
 * row-level security) with the partner id set transaction-locally, then switches back for the parts every
 * write shares (audit, outbox, routing). Both settings end with the transaction, so a pooled connection never
 * carries a partner into the next request; if `work` throws, the transaction is rolled back anyway.
 */
export async function asPartner<T>(trx: Trx, partnerId: string, work: (trx: Trx) => Promise<T>): Promise<T> {
  await sql`select set_config('baton.partner_id', ${partnerId}, true)`.execute(trx);
  await sql`set local role ${sql.id(PARTNER_DB_ROLE)}`.execute(trx);
  const result = await work(trx);
  await sql`reset role`.execute(trx);
  return result;
}
