import { type Kysely, sql } from 'kysely';

/**
 * Orders and their lines are updated many times each (allocate, release, ship, invoice, return: a version and a
 * quantity bucket every time), and neither changes an indexed column then. With free room on the page PostgreSQL
 * writes such an update as a heap-only tuple — no entry in any of the tables' indexes (sales_orders has eight) —
 * so new pages keep a fifth free. Pages written before this keep their layout until rewritten.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE sales_orders SET (fillfactor = 80)`.execute(db);
  await sql`ALTER TABLE order_lines SET (fillfactor = 80)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE sales_orders RESET (fillfactor)`.execute(db);
  await sql`ALTER TABLE order_lines RESET (fillfactor)`.execute(db);
}
