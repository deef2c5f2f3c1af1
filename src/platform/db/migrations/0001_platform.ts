import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE audit_events (
      seq          bigint PRIMARY KEY CHECK (seq > 0),
      id           uuid NOT NULL UNIQUE,
      occurred_at  timestamptz NOT NULL,
      event_name   text NOT NULL,
      entity_type  text NOT NULL,
      entity_id    text NOT NULL,
      actor_id     uuid,
      actor_label  text NOT NULL,
      reason       text,
      request_id   text,
      before       jsonb,
      after        jsonb,
      prev_hash    text NOT NULL,
      hash         text NOT NULL
    );
    CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, seq);
    CREATE INDEX audit_events_actor ON audit_events (actor_id, seq);
    CREATE INDEX audit_events_name ON audit_events (event_name, seq);
    CREATE INDEX audit_events_time ON audit_events (occurred_at);

    -- Append-only even for roles that hold UPDATE/DELETE by accident; the app role holds neither.
    CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
    END $$;
    CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
    CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

    CREATE TABLE outbox_events (
      seq             bigserial PRIMARY KEY,
      id              uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
      occurred_at     timestamptz NOT NULL DEFAULT now(),
      aggregate_type  text NOT NULL,
      aggregate_id    text NOT NULL,
      event_type      text NOT NULL,
      payload         jsonb NOT NULL,
      actor_id        uuid,
      request_id      text,
      published_at    timestamptz
    );
    CREATE INDEX outbox_events_unpublished ON outbox_events (seq) WHERE published_at IS NULL;

    CREATE TABLE idempotency_keys (
      principal         text NOT NULL,
      key               text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
      request_hash      text NOT NULL,
      method            text NOT NULL,
      path              text NOT NULL,
      state             text NOT NULL CHECK (state IN ('in_flight', 'committed', 'done')),
      response_status   integer,
      response_body     text,
      response_headers  jsonb,
      created_at        timestamptz NOT NULL,
      expires_at        timestamptz NOT NULL,
      PRIMARY KEY (principal, key)
    );
    CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE idempotency_keys, outbox_events, audit_events; DROP FUNCTION audit_events_append_only`.execute(db);
}
