import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE partners (
      id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name        text NOT NULL CHECK (length(trim(name)) > 0),
      status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'terminated')),
      version     integer NOT NULL DEFAULT 1,
      created_at  timestamptz NOT NULL DEFAULT now(),
      updated_at  timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX partners_name ON partners (lower(name));

    CREATE TABLE calendars (
      id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name          text NOT NULL CHECK (length(trim(name)) > 0),
      time_zone     text NOT NULL,
      weekly_hours  jsonb NOT NULL,
      holidays      jsonb NOT NULL DEFAULT '[]',
      version       integer NOT NULL DEFAULT 1,
      created_at    timestamptz NOT NULL DEFAULT now(),
      updated_at    timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX calendars_name ON calendars (lower(name));

    CREATE TABLE teams (
      id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name         text NOT NULL CHECK (length(trim(name)) > 0),
      manager_id   uuid,
      calendar_id  uuid REFERENCES calendars (id),
      version      integer NOT NULL DEFAULT 1,
      created_at   timestamptz NOT NULL DEFAULT now(),
      updated_at   timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX teams_name ON teams (lower(name));

    CREATE TABLE users (
      id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email           text NOT NULL CHECK (email = lower(email) AND position('@' in email) > 1),
      name            text NOT NULL CHECK (length(trim(name)) > 0),
      role            text NOT NULL CHECK (role IN ('admin', 'revops', 'sales_manager', 'sales_rep', 'channel_manager',
                                                    'ops', 'finance', 'partner_admin', 'partner_user', 'integration')),
      team_id         uuid REFERENCES teams (id),
      calendar_id     uuid REFERENCES calendars (id),
      partner_id      uuid REFERENCES partners (id),
      password_hash   text,
      status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deactivated')),
      version         integer NOT NULL DEFAULT 1,
      created_at      timestamptz NOT NULL DEFAULT now(),
      updated_at      timestamptz NOT NULL DEFAULT now(),
      deactivated_at  timestamptz,
      -- partner users always belong to exactly one partner; internal users never do
      CHECK ((role IN ('partner_admin', 'partner_user')) = (partner_id IS NOT NULL)),
      CHECK ((status = 'deactivated') = (deactivated_at IS NOT NULL))
    );
    CREATE UNIQUE INDEX users_email ON users (email);
    CREATE INDEX users_team ON users (team_id);
    CREATE INDEX users_partner ON users (partner_id);
    ALTER TABLE teams ADD CONSTRAINT teams_manager_fk FOREIGN KEY (manager_id) REFERENCES users (id);

    CREATE TABLE sessions (
      id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      token_hash      text NOT NULL UNIQUE,
      user_id         uuid NOT NULL REFERENCES users (id),
      created_at      timestamptz NOT NULL,
      last_seen_at    timestamptz NOT NULL,
      expires_at      timestamptz NOT NULL,
      revoked_at      timestamptz,
      revoked_reason  text,
      ip              text,
      user_agent      text
    );
    CREATE INDEX sessions_user ON sessions (user_id) WHERE revoked_at IS NULL;

    CREATE TABLE api_tokens (
      id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id       uuid NOT NULL REFERENCES users (id),
      name          text NOT NULL CHECK (length(trim(name)) > 0),
      token_hash    text NOT NULL UNIQUE,
      token_prefix  text NOT NULL,
      created_by    uuid REFERENCES users (id),
      created_at    timestamptz NOT NULL,
      last_used_at  timestamptz,
      expires_at    timestamptz,
      revoked_at    timestamptz
    );
    CREATE INDEX api_tokens_user ON api_tokens (user_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE api_tokens, sessions; ALTER TABLE teams DROP CONSTRAINT teams_manager_fk; DROP TABLE users, teams, calendars, partners`.execute(
    db,
  );
}
