import { type Kysely, sql } from 'kysely';

/**
 * Inbound sync covers opportunities, items, customers (customer terms on an account), stock counts and
 * orders besides accounts and leads. `data_hash` remembers the payload a create-only record (an order) was
 * created from, so a newer version with the same content is recognised and one with other content refused.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE external_ids DROP CONSTRAINT external_ids_record_type_check;
    ALTER TABLE external_ids ADD CONSTRAINT external_ids_record_type_check
      CHECK (record_type IN ('accounts', 'leads', 'opportunities', 'items', 'customers', 'stock-counts', 'orders'));
    ALTER TABLE external_ids ADD COLUMN data_hash text;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DELETE FROM external_ids WHERE record_type NOT IN ('accounts', 'leads');
    ALTER TABLE external_ids DROP COLUMN data_hash;
    ALTER TABLE external_ids DROP CONSTRAINT external_ids_record_type_check;
    ALTER TABLE external_ids ADD CONSTRAINT external_ids_record_type_check CHECK (record_type IN ('accounts', 'leads'));
  `.execute(db);
}
