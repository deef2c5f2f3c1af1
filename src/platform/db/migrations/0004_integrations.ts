import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE webhook_endpoints (
      id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      url              text NOT NULL CHECK (url ~ '^https?://'),
      events           text[] NOT NULL CHECK (cardinality(events) > 0),
      description      text,
      enabled          boolean NOT NULL DEFAULT true,
      disabled_reason  text,
      version          integer NOT NULL DEFAULT 1,
      created_at       timestamptz NOT NULL,
      updated_at       timestamptz NOT NULL
    );

    -- Several secrets per endpoint: after a rotation the old one signs too until it expires.
    CREATE TABLE webhook_secrets (
      id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      endpoint_id  uuid NOT NULL REFERENCES webhook_endpoints (id),
      secret       text NOT NULL CHECK (secret LIKE 'whsec_%'),
      created_at   timestamptz NOT NULL,
      expires_at   timestamptz
    );
    CREATE INDEX webhook_secrets_endpoint ON webhook_secrets (endpoint_id);

    CREATE TABLE webhook_deliveries (
      id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      event_id           uuid NOT NULL REFERENCES outbox_events (id),
      endpoint_id        uuid NOT NULL REFERENCES webhook_endpoints (id),
      aggregate_version  integer NOT NULL CHECK (aggregate_version >= 1),
      status             text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead', 'cancelled')),
      attempts           integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      next_attempt_at    timestamptz NOT NULL,
      last_status_code   integer,
      last_error         text,
      delivered_at       timestamptz,
      created_at         timestamptz NOT NULL,
      UNIQUE (event_id, endpoint_id),
      CHECK ((status = 'delivered') = (delivered_at IS NOT NULL))
    );
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
    CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC);

    CREATE TABLE webhook_attempts (
      id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      delivery_id       uuid NOT NULL REFERENCES webhook_deliveries (id),
      attempt           integer NOT NULL CHECK (attempt >= 1),
      status_code       integer,
      response_excerpt  text CHECK (octet_length(response_excerpt) <= 1024),
      error             text,
      duration_ms       integer NOT NULL CHECK (duration_ms >= 0),
      attempted_at      timestamptz NOT NULL
    );
    CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempt);

    -- The relay numbers each event within its aggregate (the "version" receivers use to drop stale events).
    CREATE INDEX outbox_events_aggregate ON outbox_events (aggregate_type, aggregate_id, seq);

    -- Inbound sync: which record an external system's id became, and the newest version applied to it.
    CREATE TABLE external_ids (
      source        text NOT NULL CHECK (source ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
      record_type   text NOT NULL CHECK (record_type IN ('accounts', 'leads')),
      external_id   text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 255),
      record_id     uuid NOT NULL,
      last_version  bigint NOT NULL CHECK (last_version >= 0),
      created_at    timestamptz NOT NULL,
      updated_at    timestamptz NOT NULL,
      PRIMARY KEY (source, record_type, external_id)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX outbox_events_aggregate; DROP TABLE external_ids, webhook_attempts, webhook_deliveries, webhook_secrets, webhook_endpoints`.execute(db);
}
