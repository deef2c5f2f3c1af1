import { type Kysely, sql } from 'kysely';

/**
 * Write-path round trips. (1) The audit chain's head as one row: appenders lock it (`FOR UPDATE`, which in READ COMMITTED also hands back
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
  // Routing's re-check of a capped member shared between pools: lock the member, then count their open work.
  // A VOLATILE function's second query takes a new snapshot (READ COMMITTED), so the count sees everything the
  // lock's previous holder committed — one round trip instead of two, inside the pool's lock.
  await sql`
    CREATE FUNCTION baton_lock_member_open_count(member uuid) RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
    BEGIN
      PERFORM 1 FROM users WHERE id = member FOR NO KEY UPDATE;
      RETURN (SELECT count(*) FROM assignments WHERE owner_id = member AND closed_at IS NULL);
    END $$;
    CREATE INDEX pool_members_user ON pool_members (user_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX pool_members_user; DROP FUNCTION baton_lock_member_open_count(uuid); DROP TABLE audit_chain_head`.execute(db);
}
