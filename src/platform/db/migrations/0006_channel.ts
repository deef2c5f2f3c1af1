import { type Kysely, sql } from 'kysely';
import { PARTNER_DB_ROLE } from '../roles.js';

/**
 * Distributor channel. Partner requests touch partner data only after `SET LOCAL ROLE baton_partner` with
 * `baton.partner_id` set transaction-locally (see platform/db/partner-scope.ts): that role has column-level
 * grants on exactly what a partner may read, and forced row-level security on every table it can see, so a
 * missing application filter still returns nothing foreign. The app role keeps an explicit permissive policy.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const partner = sql.id(PARTNER_DB_ROLE);
  await sql`
    -- Names compared for matching: lower case, punctuation and legal suffixes removed. One definition, in SQL,
    -- used by the generated column and by every similarity query, so the two can never drift.
    CREATE FUNCTION baton_normalize_name(name text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT trim(regexp_replace(
               regexp_replace(
                 regexp_replace(lower(coalesce(name, '')), '[^a-z0-9 ]+', ' ', 'g'),
                 '\m(inc|incorporated|llc|ltd|limited|corp|corporation|co|company|gmbh|ag|sa|plc|bv|nv|pty|the)\M', ' ', 'g'),
               '\s+', ' ', 'g'))
    $$;

    CREATE TABLE partner_tiers (
      code              text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
      name              text NOT NULL,
      rank              integer NOT NULL UNIQUE,
      registration_cap  integer NOT NULL CHECK (registration_cap >= 0),
      price_tier        text NOT NULL
    );
    INSERT INTO partner_tiers (code, name, rank, registration_cap, price_tier) VALUES
      ('registered', 'Registered', 1, 10, 'partner_registered'),
      ('silver', 'Silver', 2, 25, 'partner_silver'),
      ('gold', 'Gold', 3, 60, 'partner_gold'),
      ('platinum', 'Platinum', 4, 150, 'partner_platinum');

    ALTER TABLE partners
      ADD COLUMN tier text NOT NULL DEFAULT 'registered' REFERENCES partner_tiers (code),
      ADD COLUMN territory text[] NOT NULL DEFAULT '{}',
      ADD COLUMN domains text[] NOT NULL DEFAULT '{}',
      ADD COLUMN registration_cap integer CHECK (registration_cap >= 0);

    -- One row of channel policy; inactivity window bounded 90..180 days as the programme promises.
    CREATE TABLE channel_policy (
      id                         boolean PRIMARY KEY DEFAULT true CHECK (id),
      inactivity_days            integer NOT NULL DEFAULT 90 CHECK (inactivity_days BETWEEN 90 AND 180),
      hard_cap_days              integer NOT NULL DEFAULT 365 CHECK (hard_cap_days >= inactivity_days),
      warn_days_before           integer NOT NULL DEFAULT 14 CHECK (warn_days_before BETWEEN 1 AND 60),
      review_sla_hours           numeric NOT NULL DEFAULT 16 CHECK (review_sla_hours > 0),
      conflict_sla_hours         numeric NOT NULL DEFAULT 24 CHECK (conflict_sla_hours > 0),
      decision_sla_hours         numeric NOT NULL DEFAULT 16 CHECK (decision_sla_hours > 0),
      name_match_threshold       numeric NOT NULL DEFAULT 0.55 CHECK (name_match_threshold > 0 AND name_match_threshold <= 1),
      near_match_threshold       numeric NOT NULL DEFAULT 0.35 CHECK (near_match_threshold > 0 AND near_match_threshold <= 1),
      paper_min_active           integer NOT NULL DEFAULT 8 CHECK (paper_min_active >= 1),
      paper_max_win_rate         numeric NOT NULL DEFAULT 0.15 CHECK (paper_max_win_rate BETWEEN 0 AND 1),
      paper_window_days          integer NOT NULL DEFAULT 180 CHECK (paper_window_days >= 30),
      max_amount_minor           bigint NOT NULL DEFAULT 100000000000 CHECK (max_amount_minor > 0),
      version                    integer NOT NULL DEFAULT 1,
      updated_at                 timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO channel_policy DEFAULT VALUES;

    CREATE TABLE product_lines (
      code         text PRIMARY KEY CHECK (length(trim(code)) > 0),
      name         text NOT NULL,
      description  text,
      created_at   timestamptz NOT NULL DEFAULT now()
    );
    ALTER TABLE items ADD COLUMN product_line text REFERENCES product_lines (code);

    ALTER TABLE accounts
      ADD COLUMN postal_code text,
      ADD COLUMN phone text,
      ADD COLUMN normalized_name text GENERATED ALWAYS AS (baton_normalize_name(name)) STORED,
      ADD COLUMN needs_review boolean NOT NULL DEFAULT false,
      ADD COLUMN channel_assigned_at timestamptz,
      ADD COLUMN channel_assigned_by uuid REFERENCES users (id);
    CREATE INDEX accounts_normalized_name_trgm ON accounts USING gin (normalized_name gin_trgm_ops);
    CREATE INDEX accounts_channel_partner ON accounts (channel_partner_id) WHERE channel_partner_id IS NOT NULL;

    ALTER TABLE opportunities
      ADD COLUMN partner_id uuid REFERENCES partners (id),
      ADD COLUMN registration_id uuid;
    CREATE INDEX opportunities_partner ON opportunities (partner_id) WHERE partner_id IS NOT NULL;

    CREATE TABLE registrations (
      id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      partner_id             uuid NOT NULL REFERENCES partners (id),
      submitted_by           uuid REFERENCES users (id),
      reference              text CHECK (reference IS NULL OR length(trim(reference)) > 0),
      account_id             uuid REFERENCES accounts (id),
      customer_name          text NOT NULL CHECK (length(trim(customer_name)) > 0),
      customer_domain        text CHECK (customer_domain = lower(customer_domain)),
      customer_country       text,
      customer_region        text,
      customer_postal_code   text,
      customer_phone         text,
      product_line           text NOT NULL REFERENCES product_lines (code),
      amount_minor           bigint NOT NULL CHECK (amount_minor > 0),
      currency               text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
      expected_close_date    date NOT NULL,
      description            text,
      -- internal only: never in a partner projection, never granted to the partner role
      internal_notes         text,
      probability            integer CHECK (probability BETWEEN 0 AND 100),
      flags                  jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(flags) = 'array'),
      match                  jsonb,
      status                 text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'under_review', 'approved', 'rejected',
                                    'returned', 'won', 'lost', 'expired', 'withdrawn')),
      -- decision_code and internal_notes are internal; decision_reason is the partner-facing text
      decision_code          text,
      decision_reason        text,
      info_request           text,
      approved_at            timestamptz,
      last_activity_at       timestamptz,
      expires_at             timestamptz,
      exclusivity_cap_at     timestamptz,
      warn_at                timestamptz,
      warned_at              timestamptz,
      closed_at              timestamptz,
      expiry_outcome         text CHECK (expiry_outcome IN ('extended', 'reassigned', 'opened_to_direct')),
      reassigned_from_id     uuid REFERENCES registrations (id),
      owner_id               uuid REFERENCES users (id),
      current_assignment_id  uuid,
      version                integer NOT NULL DEFAULT 1,
      created_at             timestamptz NOT NULL,
      updated_at             timestamptz NOT NULL,
      CHECK ((status = 'approved') <= (approved_at IS NOT NULL AND expires_at IS NOT NULL AND exclusivity_cap_at IS NOT NULL)),
      CHECK (expires_at IS NULL OR exclusivity_cap_at IS NULL OR expires_at <= exclusivity_cap_at)
    );
    -- At most one live exclusivity per (account, product line). Only approval (an internal action that checks
    -- first) can hit it, so a partner never learns of another partner's row through this constraint.
    CREATE UNIQUE INDEX registrations_one_approved ON registrations (account_id, product_line) WHERE status = 'approved';
    -- A partner's own reference is unique within that partner only.
    CREATE UNIQUE INDEX registrations_partner_reference ON registrations (partner_id, reference) WHERE reference IS NOT NULL;
    CREATE INDEX registrations_partner ON registrations (partner_id, status);
    CREATE INDEX registrations_account ON registrations (account_id, status);
    CREATE INDEX registrations_expiry ON registrations (expires_at) WHERE status = 'approved';
    CREATE INDEX registrations_warn ON registrations (warn_at) WHERE status = 'approved' AND warned_at IS NULL;
    CREATE TRIGGER registrations_owner_guard BEFORE UPDATE OF owner_id ON registrations
      FOR EACH ROW EXECUTE FUNCTION owner_written_by_routing();
    ALTER TABLE opportunities ADD CONSTRAINT opportunities_registration_fk FOREIGN KEY (registration_id) REFERENCES registrations (id);

    -- Where an inbound lead or a registration landed, with the score and the evidence shown to reviewers.
    CREATE TABLE account_matches (
      id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      subject_type       text NOT NULL CHECK (subject_type IN ('lead', 'registration')),
      subject_id         uuid NOT NULL,
      account_id         uuid REFERENCES accounts (id),
      method             text NOT NULL CHECK (method IN ('domain', 'name', 'none')),
      score              numeric NOT NULL CHECK (score BETWEEN 0 AND 1),
      evidence           jsonb NOT NULL,
      near_match_id      uuid REFERENCES accounts (id),
      created_account    boolean NOT NULL DEFAULT false,
      created_at         timestamptz NOT NULL,
      UNIQUE (subject_type, subject_id)
    );

    CREATE TABLE conflict_cases (
      id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      account_id             uuid NOT NULL REFERENCES accounts (id),
      kind                   text NOT NULL CHECK (kind IN ('direct_opportunity_on_partner_account', 'direct_activity_on_partner_account',
                                    'partner_registration_on_direct_account', 'registration_overlap')),
      partner_id             uuid REFERENCES partners (id),
      registration_id        uuid REFERENCES registrations (id),
      source_type            text NOT NULL,
      source_id              uuid NOT NULL,
      detail                 text NOT NULL,
      status                 text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
      resolution             text CHECK (resolution IN ('keep_partner', 'keep_direct', 'co_sell', 'dismissed')),
      resolution_reason      text,
      resolved_by            uuid REFERENCES users (id),
      resolved_at            timestamptz,
      due_at                 timestamptz NOT NULL,
      owner_id               uuid REFERENCES users (id),
      current_assignment_id  uuid,
      version                integer NOT NULL DEFAULT 1,
      created_at             timestamptz NOT NULL,
      updated_at             timestamptz NOT NULL,
      CHECK ((status = 'resolved') = (resolution IS NOT NULL AND resolved_at IS NOT NULL))
    );
    -- The same direct act on the same account opens one case, however often detection runs.
    CREATE UNIQUE INDEX conflict_cases_source ON conflict_cases (account_id, source_type, source_id);
    CREATE INDEX conflict_cases_open ON conflict_cases (account_id) WHERE status = 'open';
    CREATE TRIGGER conflict_cases_owner_guard BEFORE UPDATE OF owner_id ON conflict_cases
      FOR EACH ROW EXECUTE FUNCTION owner_written_by_routing();

    CREATE TABLE expiry_decisions (
      id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      registration_id        uuid NOT NULL UNIQUE REFERENCES registrations (id),
      status                 text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'decided')),
      decision               text CHECK (decision IN ('extended', 'reassigned', 'opened_to_direct')),
      reassigned_to_partner  uuid REFERENCES partners (id),
      reason                 text,
      decided_by             uuid REFERENCES users (id),
      decided_at             timestamptz,
      due_at                 timestamptz NOT NULL,
      owner_id               uuid REFERENCES users (id),
      current_assignment_id  uuid,
      version                integer NOT NULL DEFAULT 1,
      created_at             timestamptz NOT NULL,
      updated_at             timestamptz NOT NULL,
      CHECK ((status = 'decided') = (decision IS NOT NULL AND decided_at IS NOT NULL AND reason IS NOT NULL)),
      CHECK ((decision = 'reassigned') = (reassigned_to_partner IS NOT NULL))
    );
    CREATE TRIGGER expiry_decisions_owner_guard BEFORE UPDATE OF owner_id ON expiry_decisions
      FOR EACH ROW EXECUTE FUNCTION owner_written_by_routing();

    -- Warnings sent to a partner's users (the partner-facing inbox; internal notifications stay in notifications).
    CREATE TABLE partner_notices (
      id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      partner_id       uuid NOT NULL REFERENCES partners (id),
      registration_id  uuid REFERENCES registrations (id),
      kind             text NOT NULL CHECK (kind IN ('decision', 'expiry_warning', 'expired', 'info_requested', 'extended')),
      title            text NOT NULL,
      body             text NOT NULL,
      created_at       timestamptz NOT NULL,
      read_at          timestamptz
    );
    CREATE INDEX partner_notices_partner ON partner_notices (partner_id, created_at DESC);
    CREATE UNIQUE INDEX partner_notices_once ON partner_notices (registration_id, kind, created_at);
  `.execute(db);

  // ---- the partner wall: grants (columns a partner may ever see) and forced row-level security ----------
  await sql`
    GRANT USAGE ON SCHEMA public TO ${partner};
    GRANT SELECT (id, name, status, tier, territory, domains, registration_cap) ON partners TO ${partner};
    GRANT SELECT ON partner_tiers, channel_policy, product_lines TO ${partner};
    GRANT SELECT (id, name, domain, region, country, industry, postal_code, channel_partner_id) ON accounts TO ${partner};
    GRANT SELECT (id, partner_id, submitted_by, reference, account_id, customer_name, customer_domain, customer_country,
                  customer_region, customer_postal_code, customer_phone, product_line, amount_minor, currency,
                  expected_close_date, description, status, decision_reason, info_request, approved_at, last_activity_at,
                  expires_at, exclusivity_cap_at, closed_at, version, created_at, updated_at) ON registrations TO ${partner};
    GRANT INSERT (partner_id, submitted_by, reference, customer_name, customer_domain, customer_country, customer_region,
                  customer_postal_code, customer_phone, product_line, amount_minor, currency, expected_close_date,
                  description, created_at, updated_at) ON registrations TO ${partner};
    GRANT UPDATE (customer_name, customer_domain, customer_country, customer_region, customer_postal_code, customer_phone,
                  amount_minor, expected_close_date, description, status, last_activity_at, version, updated_at)
          ON registrations TO ${partner};
    GRANT SELECT (id, record_type, record_id, kind, subject, notes, partner_id, occurred_at, created_at) ON activities TO ${partner};
    GRANT INSERT (record_type, record_id, kind, subject, notes, actor_id, partner_id, occurred_at, created_at) ON activities TO ${partner};
    GRANT SELECT (id, email, name, role, partner_id, status, version, created_at) ON users TO ${partner};
    GRANT SELECT, UPDATE (read_at) ON partner_notices TO ${partner};
    GRANT SELECT (id, sku, name, specs, product_line) ON items TO ${partner};
    GRANT SELECT ON price_lists, price_list_items TO ${partner};
    GRANT SELECT (item_id, location_id, on_hand, allocated, quarantined) ON stock_levels TO ${partner};
  `.execute(db);

  const scoped: Array<[table: string, predicate: string]> = [
    ['partners', `id = baton_partner_scope()`],
    ['registrations', `partner_id = baton_partner_scope()`],
    ['activities', `partner_id = baton_partner_scope()`],
    ['partner_notices', `partner_id = baton_partner_scope()`],
    ['users', `partner_id = baton_partner_scope()`],
    // its own accounts: those it is channel owner of, or holds a registration on (itself RLS-filtered)
    [
      'accounts',
      `channel_partner_id = baton_partner_scope() OR id IN (SELECT account_id FROM registrations WHERE partner_id = baton_partner_scope())`,
    ],
  ];
  await sql`
    -- Fails closed: no partner id in this transaction → NULL → no row matches.
    CREATE FUNCTION baton_partner_scope() RETURNS uuid LANGUAGE sql STABLE AS $$
      SELECT nullif(current_setting('baton.partner_id', true), '')::uuid
    $$;
    GRANT EXECUTE ON FUNCTION baton_partner_scope() TO ${partner};
  `.execute(db);
  for (const [table, predicate] of scoped) {
    await sql`
      ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY;
      ALTER TABLE ${sql.table(table)} FORCE ROW LEVEL SECURITY;
      CREATE POLICY internal_all ON ${sql.table(table)} TO PUBLIC USING (current_user <> ${sql.lit(PARTNER_DB_ROLE)}) WITH CHECK (current_user <> ${sql.lit(PARTNER_DB_ROLE)});
      CREATE POLICY partner_own ON ${sql.table(table)} TO ${partner} USING (${sql.raw(predicate)}) WITH CHECK (${sql.raw(predicate)});
    `.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['partners', 'registrations', 'activities', 'partner_notices', 'users', 'accounts']) {
    await sql`
      DROP POLICY IF EXISTS internal_all ON ${sql.table(table)};
      DROP POLICY IF EXISTS partner_own ON ${sql.table(table)};
      ALTER TABLE ${sql.table(table)} NO FORCE ROW LEVEL SECURITY;
      ALTER TABLE ${sql.table(table)} DISABLE ROW LEVEL SECURITY;
    `.execute(db);
  }
  await sql`
    DROP TABLE partner_notices, expiry_decisions, conflict_cases, account_matches;
    ALTER TABLE opportunities DROP CONSTRAINT opportunities_registration_fk, DROP COLUMN registration_id, DROP COLUMN partner_id;
    DROP TABLE registrations;
    ALTER TABLE accounts DROP COLUMN postal_code, DROP COLUMN phone, DROP COLUMN normalized_name, DROP COLUMN needs_review,
      DROP COLUMN channel_assigned_at, DROP COLUMN channel_assigned_by;
    ALTER TABLE items DROP COLUMN product_line;
    DROP TABLE product_lines, channel_policy;
    ALTER TABLE partners DROP COLUMN tier, DROP COLUMN territory, DROP COLUMN domains, DROP COLUMN registration_cap;
    DROP TABLE partner_tiers;
    DROP FUNCTION baton_partner_scope, baton_normalize_name;
  `.execute(db);
}
