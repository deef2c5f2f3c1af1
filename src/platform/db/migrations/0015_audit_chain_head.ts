import { type Kysely, sql } from 'kysely';

/**
 * The audit chain's head as one row: appenders lock it (`FOR UPDATE`, which in READ COMMITTED also hands back
 * the newest committed version) instead of taking an advisory lock and then reading the last row — one round
 * trip less inside the one lock every write in the installation queues on. verify-audit never trusts this row;
 * it re-walks the chain.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE audit_chain_head (
      id   boolean PRIMARY KEY DEFAULT true CHECK (id),
      seq  bigint NOT NULL CHECK (seq >= 0),
      hash text NOT NULL
    );
    INSERT INTO audit_chain_head (seq, hash)
    SELECT coalesce((SELECT seq FROM audit_events ORDER BY seq DESC LIMIT 1), 0),
           coalesce((SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1), repeat('0', 64));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE audit_chain_head`.execute(db);
}
