import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE partners ADD COLUMN channel_manager_id uuid REFERENCES users (id);

    -- Ownership columns may only be written by routing (which sets baton.ownership_writer in its
    -- transaction): an UPDATE that changes owner_id from anywhere else is refused by the database.
    CREATE FUNCTION owner_written_by_routing() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.owner_id IS DISTINCT FROM OLD.owner_id
         AND coalesce(current_setting('baton.ownership_writer', true), '') <> 'routing' THEN
        RAISE EXCEPTION 'owner_id is written only by routing' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$;

    CREATE TABLE accounts (
      id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name                   text NOT NULL CHECK (length(trim(name)) > 0),
      domain                 text CHECK (domain = lower(domain)),
      region                 text,
      country                text,
      segment                text,
      tier                   text,
      industry               text,
      employees              integer CHECK (employees >= 0),
      annual_revenue         bigint CHECK (annual_revenue >= 0),
      channel_partner_id     uuid REFERENCES partners (id),
      direct_only            boolean NOT NULL DEFAULT false,
      attributes             jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
      owner_id               uuid REFERENCES users (id),
      current_assignment_id  uuid,
      status                 text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
      version                integer NOT NULL DEFAULT 1,
      created_at             timestamptz NOT NULL,
      updated_at             timestamptz NOT NULL
    );
    CREATE INDEX accounts_domain ON accounts (domain);
    CREATE INDEX accounts_owner ON accounts (owner_id);
    CREATE TRIGGER accounts_owner_guard BEFORE UPDATE OF owner_id ON accounts
      FOR EACH ROW EXECUTE FUNCTION owner_written_by_routing();

    CREATE TABLE leads (
      id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name                   text NOT NULL CHECK (length(trim(name)) > 0),
      company                text,
      email                  text,
      domain                 text CHECK (domain = lower(domain)),
      region                 text,
      country                text,
      product                text,
      product_line           text,
      amount                 bigint CHECK (amount >= 0),
      currency               text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
      source                 text,
      status                 text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'converted', 'disqualified')),
      account_id             uuid REFERENCES accounts (id),
      attributes             jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
      owner_id               uuid REFERENCES users (id),
      current_assignment_id  uuid,
      version                integer NOT NULL DEFAULT 1,
      created_at             timestamptz NOT NULL,
      updated_at             timestamptz NOT NULL
    );
    CREATE INDEX leads_owner ON leads (owner_id);
    CREATE INDEX leads_account ON leads (account_id);
    CREATE INDEX leads_created ON leads (created_at);
    CREATE TRIGGER leads_owner_guard BEFORE UPDATE OF owner_id ON leads
      FOR EACH ROW EXECUTE FUNCTION owner_written_by_routing();

    CREATE TABLE opportunities (
      id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name                   text NOT NULL CHECK (length(trim(name)) > 0),
      account_id             uuid REFERENCES accounts (id),
      stage                  text NOT NULL,
      stage_changed_at       timestamptz NOT NULL,
      status                 text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'won', 'lost')),
      amount                 bigint CHECK (amount >= 0),
      currency               text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
      product                text,
      product_line           text,
      region                 text,
      close_date             date,
      attributes             jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
      owner_id               uuid REFERENCES users (id),
      current_assignment_id  uuid,
      version                integer NOT NULL DEFAULT 1,
      created_at             timestamptz NOT NULL,
      updated_at             timestamptz NOT NULL
    );
    CREATE INDEX opportunities_owner ON opportunities (owner_id);
    CREATE INDEX opportunities_account ON opportunities (account_id);
    CREATE TRIGGER opportunities_owner_guard BEFORE UPDATE OF owner_id ON opportunities
      FOR EACH ROW EXECUTE FUNCTION owner_written_by_routing();

    CREATE TABLE stage_history (
      id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      opportunity_id  uuid NOT NULL REFERENCES opportunities (id),
      from_stage      text,
      to_stage        text NOT NULL,
      changed_at      timestamptz NOT NULL,
      actor_id        uuid REFERENCES users (id)
    );
    CREATE INDEX stage_history_opportunity ON stage_history (opportunity_id, changed_at);

    CREATE TABLE activities (
      id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      record_type  text NOT NULL,
      record_id    uuid NOT NULL,
      kind         text NOT NULL CHECK (kind IN ('call', 'email', 'meeting', 'note', 'task')),
      subject      text NOT NULL CHECK (length(trim(subject)) > 0),
      notes        text,
      actor_id     uuid REFERENCES users (id),
      partner_id   uuid REFERENCES partners (id),
      occurred_at  timestamptz NOT NULL,
      created_at   timestamptz NOT NULL
    );
    CREATE INDEX activities_record ON activities (record_type, record_id, occurred_at);

    -- A named queue is a target with one accountable owner (its manager): records routed to a queue are
    -- owned by that person until someone picks them up, so "exactly one owner" holds for queues too.
    CREATE TABLE queues (
      id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name        text NOT NULL CHECK (length(trim(name)) > 0),
      owner_id    uuid NOT NULL REFERENCES users (id),
      description text,
      version     integer NOT NULL DEFAULT 1,
      created_at  timestamptz NOT NULL,
      updated_at  timestamptz NOT NULL
    );
    CREATE UNIQUE INDEX queues_name ON queues (lower(name));

    CREATE TABLE escalation_policies (
      id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name        text NOT NULL CHECK (length(trim(name)) > 0),
      steps       jsonb NOT NULL CHECK (jsonb_typeof(steps) = 'array'),
      version     integer NOT NULL DEFAULT 1,
      created_at  timestamptz NOT NULL,
      updated_at  timestamptz NOT NULL
    );
    CREATE UNIQUE INDEX escalation_policies_name ON escalation_policies (lower(name));

    CREATE TABLE pools (
      id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name            text NOT NULL CHECK (length(trim(name)) > 0),
      strategy        text NOT NULL CHECK (strategy IN ('round_robin', 'weighted', 'least_loaded')),
      return_policy   text NOT NULL DEFAULT 'keep_position' CHECK (return_policy IN ('keep_position', 'catch_up')),
      use_skills      boolean NOT NULL DEFAULT false,
      respect_hours   boolean NOT NULL DEFAULT true,
      criteria_caps   jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(criteria_caps) = 'array'),
      fallback_type   text CHECK (fallback_type IN ('user', 'pool', 'queue')),
      fallback_id     uuid,
      fairness        jsonb NOT NULL DEFAULT '{"pointer": -1, "members": {}}',
      decisions       bigint NOT NULL DEFAULT 0,
      version         integer NOT NULL DEFAULT 1,
      created_at      timestamptz NOT NULL,
      updated_at      timestamptz NOT NULL,
      CHECK ((fallback_type IS NULL) = (fallback_id IS NULL))
    );
    CREATE UNIQUE INDEX pools_name ON pools (lower(name));

    CREATE TABLE pool_members (
      pool_id        uuid NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
      user_id        uuid NOT NULL REFERENCES users (id),
      position       integer NOT NULL CHECK (position >= 0),
      weight         integer NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 1000),
      wip_cap        integer CHECK (wip_cap >= 0),
      rate_per_day   integer CHECK (rate_per_day >= 0),
      rate_per_week  integer CHECK (rate_per_week >= 0),
      regions        text[] NOT NULL DEFAULT '{}',
      product_lines  text[] NOT NULL DEFAULT '{}',
      PRIMARY KEY (pool_id, user_id),
      UNIQUE (pool_id, position)
    );

    CREATE TABLE absences (
      id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id     uuid NOT NULL REFERENCES users (id),
      starts_at   timestamptz NOT NULL,
      ends_at     timestamptz NOT NULL,
      reason      text,
      created_by  uuid REFERENCES users (id),
      created_at  timestamptz NOT NULL,
      CHECK (ends_at > starts_at)
    );
    CREATE INDEX absences_user ON absences (user_id, ends_at);

    CREATE TABLE rulesets (
      id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      record_type     text NOT NULL,
      name            text NOT NULL CHECK (length(trim(name)) > 0),
      number          integer NOT NULL CHECK (number > 0),
      status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'pending_approval', 'published', 'retired')),
      rules           jsonb NOT NULL CHECK (jsonb_typeof(rules) = 'array'),
      author_id       uuid REFERENCES users (id),
      submitted_by    uuid REFERENCES users (id),
      approved_by     uuid REFERENCES users (id),
      published_at    timestamptz,
      retired_at      timestamptz,
      version         integer NOT NULL DEFAULT 1,
      created_at      timestamptz NOT NULL,
      updated_at      timestamptz NOT NULL,
      UNIQUE (record_type, number),
      CHECK (approved_by IS NULL OR approved_by IS DISTINCT FROM submitted_by)
    );
    CREATE UNIQUE INDEX rulesets_one_published ON rulesets (record_type) WHERE status = 'published';

    CREATE TABLE routing_policy (
      id                            boolean PRIMARY KEY DEFAULT true CHECK (id),
      publish_requires_approval     boolean NOT NULL DEFAULT false,
      override_approval_cross_team  boolean NOT NULL DEFAULT true,
      override_approval_min_amount  bigint,
      default_sla_hours             numeric NOT NULL DEFAULT 24 CHECK (default_sla_hours > 0),
      due_soon_hours                numeric NOT NULL DEFAULT 4 CHECK (due_soon_hours > 0),
      version                       integer NOT NULL DEFAULT 1,
      updated_at                    timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO routing_policy DEFAULT VALUES;

    -- The ownership ledger. Owner, due date and reason are never missing; a row is never rewritten:
    -- only its acknowledgement and closing are filled in, once (enforced below).
    CREATE TABLE assignments (
      id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      record_type           text NOT NULL,
      record_id             uuid NOT NULL,
      owner_id              uuid NOT NULL REFERENCES users (id),
      previous_owner_id     uuid REFERENCES users (id),
      team_id               uuid REFERENCES teams (id),
      reason_code           text NOT NULL CHECK (length(reason_code) > 0),
      reason                text NOT NULL CHECK (length(trim(reason)) > 0),
      due_at                timestamptz NOT NULL,
      source                text NOT NULL CHECK (source IN ('rule', 'pool', 'manual', 'escalation', 'import', 'handoff')),
      ruleset_id            uuid REFERENCES rulesets (id),
      ruleset_number        integer,
      rule_id               text,
      pool_id               uuid REFERENCES pools (id),
      queue_id              uuid REFERENCES queues (id),
      fairness              jsonb,
      explanation           jsonb NOT NULL,
      priority              text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
      escalation_policy_id  uuid REFERENCES escalation_policies (id),
      actor_id              uuid REFERENCES users (id),
      actor_label           text NOT NULL,
      created_at            timestamptz NOT NULL,
      acknowledged_at       timestamptz,
      closed_at             timestamptz,
      closed_reason         text,
      CHECK ((closed_at IS NULL) = (closed_reason IS NULL))
    );
    CREATE UNIQUE INDEX assignments_one_open ON assignments (record_type, record_id) WHERE closed_at IS NULL;
    CREATE INDEX assignments_record ON assignments (record_type, record_id, created_at);
    CREATE INDEX assignments_owner_open ON assignments (owner_id, due_at) WHERE closed_at IS NULL;
    CREATE INDEX assignments_created ON assignments (created_at);
    -- Pool rate caps count each member's assignments today/this week (bench/routing.ts: 12x faster pool load).
    CREATE INDEX assignments_owner_pool_created ON assignments (owner_id, pool_id, created_at);

    CREATE FUNCTION assignments_history_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'assignment history is never deleted' USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF (to_jsonb(NEW) - 'acknowledged_at' - 'closed_at' - 'closed_reason')
         IS DISTINCT FROM (to_jsonb(OLD) - 'acknowledged_at' - 'closed_at' - 'closed_reason')
         OR (OLD.acknowledged_at IS NOT NULL AND NEW.acknowledged_at IS DISTINCT FROM OLD.acknowledged_at)
         OR (OLD.closed_at IS NOT NULL AND (NEW.closed_at IS DISTINCT FROM OLD.closed_at
                                            OR NEW.closed_reason IS DISTINCT FROM OLD.closed_reason)) THEN
        RAISE EXCEPTION 'assignment history is never rewritten' USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER assignments_immutable BEFORE UPDATE OR DELETE ON assignments
      FOR EACH ROW EXECUTE FUNCTION assignments_history_immutable();

    CREATE TABLE unassigned_records (
      record_type  text NOT NULL,
      record_id    uuid NOT NULL,
      reason_code  text NOT NULL,
      reason       text NOT NULL,
      explanation  jsonb NOT NULL,
      ruleset_id   uuid REFERENCES rulesets (id),
      since        timestamptz NOT NULL,
      PRIMARY KEY (record_type, record_id)
    );

    CREATE TABLE escalation_timers (
      id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      assignment_id  uuid NOT NULL REFERENCES assignments (id),
      -- -1 = the due-soon reminder, 0 = the breach itself, 1.. = the policy's steps
      step_index     integer NOT NULL CHECK (step_index >= -1),
      action         text NOT NULL CHECK (action IN ('due_soon', 'notify_owner', 'notify_manager', 'reassign', 'breach')),
      target         jsonb,
      fire_at        timestamptz NOT NULL,
      state          text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'fired', 'cancelled')),
      fired_at       timestamptz,
      outcome        text,
      UNIQUE (assignment_id, step_index)
    );
    CREATE INDEX escalation_timers_due ON escalation_timers (fire_at) WHERE state = 'pending';

    CREATE TABLE override_requests (
      id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      record_type      text NOT NULL,
      record_id        uuid NOT NULL,
      from_owner_id    uuid REFERENCES users (id),
      to_user_id       uuid NOT NULL REFERENCES users (id),
      reason_code      text NOT NULL,
      reason           text NOT NULL CHECK (length(trim(reason)) > 0),
      due_at           timestamptz NOT NULL,
      approval_reason  text NOT NULL,
      status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
      requested_by     uuid NOT NULL REFERENCES users (id),
      decided_by       uuid REFERENCES users (id),
      decided_at       timestamptz,
      decision_reason  text,
      version          integer NOT NULL DEFAULT 1,
      created_at       timestamptz NOT NULL,
      CHECK (decided_by IS NULL OR decided_by <> requested_by)
    );
    CREATE UNIQUE INDEX override_requests_one_pending ON override_requests (record_type, record_id) WHERE status = 'pending';

    CREATE TABLE notifications (
      id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id      uuid NOT NULL REFERENCES users (id),
      kind         text NOT NULL CHECK (kind IN ('assigned', 'due_soon', 'breached', 'escalated', 'approval_needed',
                                                 'approval_decided', 'exception_report')),
      record_type  text,
      record_id    uuid,
      title        text NOT NULL,
      body         text NOT NULL,
      created_at   timestamptz NOT NULL,
      read_at      timestamptz
    );
    CREATE INDEX notifications_inbox ON notifications (user_id, created_at DESC);

    CREATE TABLE exception_reports (
      id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      period_from   timestamptz NOT NULL,
      period_to     timestamptz NOT NULL,
      content       jsonb NOT NULL,
      generated_at  timestamptz NOT NULL,
      generated_by  text NOT NULL,
      CHECK (period_to > period_from)
    );
    CREATE UNIQUE INDEX exception_reports_period ON exception_reports (period_from, period_to);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE exception_reports, notifications, override_requests, escalation_timers, unassigned_records,
      assignments, routing_policy, rulesets, absences, pool_members, pools, escalation_policies, queues,
      activities, stage_history, opportunities, leads, accounts;
    DROP FUNCTION assignments_history_immutable, owner_written_by_routing;
    ALTER TABLE partners DROP COLUMN channel_manager_id;
  `.execute(db);
}
