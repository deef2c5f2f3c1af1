import { type Kysely, sql } from 'kysely';

/**
 * A registration can expire, be extended, and expire again: each expiry opens a new decision, so the
 * registration may have many decisions over its life but at most one open at a time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE expiry_decisions DROP CONSTRAINT expiry_decisions_registration_id_key;
    CREATE UNIQUE INDEX expiry_decisions_one_open ON expiry_decisions (registration_id) WHERE status = 'open';
    CREATE INDEX expiry_decisions_registration ON expiry_decisions (registration_id, created_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX expiry_decisions_registration;
    DROP INDEX expiry_decisions_one_open;
    ALTER TABLE expiry_decisions ADD CONSTRAINT expiry_decisions_registration_id_key UNIQUE (registration_id);
  `.execute(db);
}
