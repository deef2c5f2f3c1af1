import { type Kysely, sql } from 'kysely';

/**
 * The audit chain is sealed after commit instead of inside every write. A use case appends its audit rows like
 * any other insert (the sequence numbers them, nothing is locked); a sealer then links committed rows into the
 * hash chain, in the order it finds them, as rows of `audit_seals` — append-only like the events themselves.
 *
 * Each event row records the transaction that wrote it (`xid`). The chain head keeps `sealed_below`: every
 * transaction older than it had finished when the sealer last looked, so only rows at or above it can still be
 * unsealed. Existing rows keep their hashes (over the whole row): their chain position is their sequence number.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE audit_seals (
      position   bigint PRIMARY KEY CHECK (position > 0),
      event_seq  bigint NOT NULL UNIQUE REFERENCES audit_events (seq),
      prev_hash  text NOT NULL,
      hash       text NOT NULL,
      sealed_at  timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO audit_seals (position, event_seq, prev_hash, hash) SELECT seq, seq, prev_hash, hash FROM audit_events;
    ALTER TABLE audit_events DROP COLUMN prev_hash, DROP COLUMN hash;
    ALTER TABLE audit_events ADD COLUMN xid xid8 NOT NULL DEFAULT pg_current_xact_id();
    -- The writer's SHA-256 of the row's content; the sealer chains it without reading the row back.
    ALTER TABLE audit_events ADD COLUMN digest text;
    CREATE INDEX audit_events_xid ON audit_events (xid, seq);
    CREATE SEQUENCE audit_events_seq_seq OWNED BY audit_events.seq;
    SELECT setval('audit_events_seq_seq', coalesce((SELECT max(seq) FROM audit_events), 0) + 1, false);
    ALTER TABLE audit_events ALTER COLUMN seq SET DEFAULT nextval('audit_events_seq_seq');

    -- Everything written so far (this transaction included) is sealed already.
    ALTER TABLE audit_chain_head ADD COLUMN sealed_below xid8 NOT NULL DEFAULT '0';
    UPDATE audit_chain_head SET sealed_below = (pg_current_xact_id()::text::bigint + 1)::text::xid8;

    CREATE FUNCTION audit_seals_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_seals is append-only' USING ERRCODE = 'insufficient_privilege';
    END $$;
    CREATE TRIGGER audit_seals_no_update BEFORE UPDATE OR DELETE ON audit_seals
      FOR EACH ROW EXECUTE FUNCTION audit_seals_append_only();
    CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON audit_seals
      FOR EACH STATEMENT EXECUTE FUNCTION audit_seals_append_only();
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0015_audit_seals cannot be reverted: the chain of rows written since lives only in audit_seals');
}
