import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Append-only tables refuse UPDATE and DELETE for every role, not only the app role.
    CREATE FUNCTION orders_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
    END $$;

    CREATE TABLE locations (
      id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code        text NOT NULL UNIQUE CHECK (length(trim(code)) > 0),
      name        text NOT NULL,
      kind        text NOT NULL CHECK (kind IN ('warehouse', 'branch', 'in_transit')),
      region      text,
      created_at  timestamptz NOT NULL
    );

    CREATE TABLE items (
      id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      sku              text NOT NULL UNIQUE CHECK (length(trim(sku)) > 0),
      name             text NOT NULL,
      specs            jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(specs) = 'object'),
      unit_cost_minor  bigint NOT NULL CHECK (unit_cost_minor >= 0),
      currency         text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
      created_at       timestamptz NOT NULL
    );

    CREATE TABLE price_lists (
      id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name        text NOT NULL,
      currency    text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
      channel_id  uuid,
      tier        text,
      valid_from  timestamptz NOT NULL,
      valid_to    timestamptz,
      priority    integer NOT NULL DEFAULT 0,
      created_at  timestamptz NOT NULL,
      CHECK (valid_to IS NULL OR valid_to > valid_from)
    );
    CREATE TABLE price_list_items (
      id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      price_list_id    uuid NOT NULL REFERENCES price_lists (id) ON DELETE CASCADE,
      item_id          uuid NOT NULL REFERENCES items (id),
      min_quantity     integer NOT NULL DEFAULT 1 CHECK (min_quantity >= 1),
      unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
      UNIQUE (price_list_id, item_id, min_quantity)
    );

    CREATE TABLE channels (
      id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code                 text NOT NULL UNIQUE CHECK (length(trim(code)) > 0),
      name                 text NOT NULL,
      kind                 text NOT NULL CHECK (kind IN ('ecommerce', 'wholesale', 'marketplace', 'field_sales', 'partner', 'branch')),
      allocation_strategy  text NOT NULL DEFAULT 'priority' CHECK (allocation_strategy IN ('priority', 'most_stock')),
      invoice_policy       text NOT NULL DEFAULT 'on_shipment' CHECK (invoice_policy IN ('on_order', 'on_shipment')),
      price_list_id        uuid REFERENCES price_lists (id),
      tax_rate_bp          integer NOT NULL DEFAULT 0 CHECK (tax_rate_bp BETWEEN 0 AND 10000),
      ops_owner_id         uuid REFERENCES users (id),
      currency             text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
      version              integer NOT NULL DEFAULT 1,
      created_at           timestamptz NOT NULL
    );
    ALTER TABLE price_lists ADD FOREIGN KEY (channel_id) REFERENCES channels (id);
    CREATE TABLE channel_locations (
      channel_id   uuid NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
      location_id  uuid NOT NULL REFERENCES locations (id),
      position     integer NOT NULL CHECK (position >= 0),
      PRIMARY KEY (channel_id, location_id),
      UNIQUE (channel_id, position)
    );
    -- Tax per channel and region; a region-less row is the channel default.
    CREATE TABLE tax_rates (
      id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      channel_id  uuid NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
      region      text,
      rate_bp     integer NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
      UNIQUE NULLS NOT DISTINCT (channel_id, region)
    );

    CREATE TABLE customer_terms (
      account_id          uuid PRIMARY KEY REFERENCES accounts (id),
      tier                text NOT NULL DEFAULT 'standard',
      credit_limit_minor  bigint NOT NULL DEFAULT 0 CHECK (credit_limit_minor >= 0),
      payment_terms       text NOT NULL DEFAULT 'prepaid' CHECK (payment_terms IN ('prepaid', 'net30', 'net60')),
      updated_at          timestamptz NOT NULL
    );

    CREATE TABLE rebate_programs (
      id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name        text NOT NULL,
      tier        text,
      account_id  uuid REFERENCES accounts (id),
      rate_bp     integer NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
      valid_from  timestamptz NOT NULL,
      valid_to    timestamptz,
      created_at  timestamptz NOT NULL,
      CHECK (tier IS NOT NULL OR account_id IS NOT NULL)
    );

    -- Workflow: the standard is data, versioned; variants overlay it per channel.
    CREATE TABLE workflow_definitions (
      version     integer PRIMARY KEY CHECK (version >= 1),
      gates       jsonb NOT NULL,
      status      text NOT NULL CHECK (status IN ('active', 'retired')),
      created_at  timestamptz NOT NULL
    );
    CREATE UNIQUE INDEX workflow_definitions_one_active ON workflow_definitions ((true)) WHERE status = 'active';
    INSERT INTO workflow_definitions (version, status, created_at, gates) VALUES (1, 'active', now(), '{
      "ORDER_RELEASE": [{"type": "credit_limit", "version": 1}, {"type": "margin_floor", "version": 1, "minMarginBp": 0}, {"type": "payment_status", "version": 1}],
      "INVENTORY_ALLOCATION": [{"type": "stock_cover", "version": 1}],
      "SHIPMENT_CONFIRMATION": [],
      "INVOICE_GENERATION": [],
      "RETURN_AUTHORIZATION": [],
      "CREDIT_MEMO": []
    }');

    CREATE TABLE workflow_variants (
      id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      channel_id        uuid NOT NULL REFERENCES channels (id),
      version           integer NOT NULL DEFAULT 1,
      base_version      integer NOT NULL REFERENCES workflow_definitions (version),
      overlay           jsonb NOT NULL,
      owner_id          uuid REFERENCES users (id),
      rationale         text,
      support_model     text,
      review_by         timestamptz,
      status            text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'active', 'retired')),
      activated_by      uuid REFERENCES users (id),
      activated_at      timestamptz,
      created_at        timestamptz NOT NULL,
      CHECK (status <> 'active' OR (owner_id IS NOT NULL AND length(trim(rationale)) > 0 AND length(trim(support_model)) > 0 AND review_by IS NOT NULL))
    );
    CREATE UNIQUE INDEX workflow_variants_one_active ON workflow_variants (channel_id) WHERE status = 'active';

    CREATE TABLE stock_levels (
      item_id      uuid NOT NULL REFERENCES items (id),
      location_id  uuid NOT NULL REFERENCES locations (id),
      on_hand      integer NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
      allocated    integer NOT NULL DEFAULT 0 CHECK (allocated >= 0),
      quarantined  integer NOT NULL DEFAULT 0 CHECK (quarantined >= 0),
      incoming     integer NOT NULL DEFAULT 0 CHECK (incoming >= 0),
      PRIMARY KEY (item_id, location_id),
      CONSTRAINT stock_levels_no_oversell CHECK (allocated <= on_hand - quarantined)
    );

    CREATE TABLE stock_ledger (
      id           bigserial PRIMARY KEY,
      item_id      uuid NOT NULL REFERENCES items (id),
      location_id  uuid NOT NULL REFERENCES locations (id),
      bucket       text NOT NULL CHECK (bucket IN ('on_hand', 'quarantined', 'incoming')),
      delta        integer NOT NULL CHECK (delta <> 0),
      reason       text NOT NULL,
      doc_type     text NOT NULL,
      doc_id       uuid,
      actor_id     uuid,
      at           timestamptz NOT NULL
    );
    CREATE INDEX stock_ledger_level ON stock_ledger (item_id, location_id, bucket);
    CREATE TRIGGER stock_ledger_append_only BEFORE UPDATE OR DELETE ON stock_ledger FOR EACH ROW EXECUTE FUNCTION orders_append_only();

    CREATE TABLE cycle_counts (
      id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      item_id      uuid NOT NULL REFERENCES items (id),
      location_id  uuid NOT NULL REFERENCES locations (id),
      expected     integer NOT NULL CHECK (expected >= 0),
      counted      integer NOT NULL CHECK (counted >= 0),
      variance     integer GENERATED ALWAYS AS (counted - expected) STORED,
      counted_by   uuid,
      counted_at   timestamptz NOT NULL
    );

    CREATE TABLE quotes (
      id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      channel_id     uuid NOT NULL REFERENCES channels (id),
      account_id     uuid NOT NULL REFERENCES accounts (id),
      opportunity_id uuid UNIQUE REFERENCES opportunities (id),
      owner_user_id  uuid REFERENCES users (id),
      status         text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent', 'accepted', 'rejected', 'expired', 'cancelled')),
      valid_until    timestamptz NOT NULL,
      lines          jsonb NOT NULL,
      version        integer NOT NULL DEFAULT 1,
      created_at     timestamptz NOT NULL
    );

    CREATE TABLE sales_orders (
      id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      number            bigserial UNIQUE,
      channel_id        uuid NOT NULL REFERENCES channels (id),
      account_id        uuid NOT NULL REFERENCES accounts (id),
      quote_id          uuid UNIQUE REFERENCES quotes (id),
      region            text,
      currency          text NOT NULL,
      lifecycle         text NOT NULL DEFAULT 'submitted' CHECK (lifecycle IN ('submitted', 'released', 'closed', 'cancelled')),
      payment_status    text NOT NULL DEFAULT 'unpaid' CHECK (payment_status IN ('unpaid', 'authorized', 'paid')),
      invoice_policy    text NOT NULL CHECK (invoice_policy IN ('on_order', 'on_shipment')),
      tax_rate_bp       integer NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
      workflow_version  integer NOT NULL REFERENCES workflow_definitions (version),
      variant_id        uuid REFERENCES workflow_variants (id),
      variant_version   integer,
      gates             jsonb NOT NULL,
      created_by        uuid,
      owner_id               uuid REFERENCES users (id),
      current_assignment_id  uuid,
      version           integer NOT NULL DEFAULT 1,
      created_at        timestamptz NOT NULL,
      released_at       timestamptz,
      shipped_at        timestamptz,
      closed_at         timestamptz
    );
    CREATE INDEX sales_orders_channel ON sales_orders (channel_id, created_at);
    CREATE TRIGGER sales_orders_owner_guard BEFORE UPDATE OF owner_id ON sales_orders
      FOR EACH ROW EXECUTE FUNCTION owner_written_by_routing();

    CREATE TABLE order_lines (
      id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_id               uuid NOT NULL REFERENCES sales_orders (id),
      line_no                integer NOT NULL,
      item_id                uuid NOT NULL REFERENCES items (id),
      unit_price_minor       bigint NOT NULL CHECK (unit_price_minor >= 0),
      price_list_item_id     uuid REFERENCES price_list_items (id),
      unit_cost_minor        bigint NOT NULL CHECK (unit_cost_minor >= 0),
      qty_ordered            integer NOT NULL CHECK (qty_ordered > 0),
      qty_cancelled          integer NOT NULL DEFAULT 0 CHECK (qty_cancelled >= 0),
      qty_allocated          integer NOT NULL DEFAULT 0 CHECK (qty_allocated >= 0),
      qty_shipped            integer NOT NULL DEFAULT 0 CHECK (qty_shipped >= 0),
      qty_invoiced           integer NOT NULL DEFAULT 0 CHECK (qty_invoiced >= 0),
      qty_return_authorized  integer NOT NULL DEFAULT 0 CHECK (qty_return_authorized >= 0),
      qty_return_received    integer NOT NULL DEFAULT 0 CHECK (qty_return_received >= 0),
      qty_credited           integer NOT NULL DEFAULT 0 CHECK (qty_credited >= 0),
      UNIQUE (order_id, line_no),
      CONSTRAINT order_lines_fulfilment CHECK (qty_cancelled + qty_allocated + qty_shipped <= qty_ordered),
      CONSTRAINT order_lines_invoiced CHECK (qty_invoiced <= qty_ordered - qty_cancelled),
      CONSTRAINT order_lines_returns CHECK (qty_return_authorized <= qty_shipped AND qty_return_received <= qty_return_authorized),
      CONSTRAINT order_lines_credited CHECK (qty_credited <= qty_invoiced AND qty_credited <= qty_return_received)
    );

    CREATE TABLE allocations (
      id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_line_id  uuid REFERENCES order_lines (id),
      transfer_line_id uuid,
      item_id        uuid NOT NULL REFERENCES items (id),
      location_id    uuid NOT NULL REFERENCES locations (id),
      qty            integer NOT NULL CHECK (qty > 0),
      status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'consumed', 'released')),
      created_at     timestamptz NOT NULL,
      closed_at      timestamptz,
      CHECK (order_line_id IS NOT NULL OR transfer_line_id IS NOT NULL)
    );
    CREATE INDEX allocations_active ON allocations (item_id, location_id) WHERE status = 'active';
    CREATE INDEX allocations_line ON allocations (order_line_id);

    CREATE TABLE control_decisions (
      id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      control_point   text NOT NULL CHECK (control_point IN ('ORDER_RELEASE', 'INVENTORY_ALLOCATION', 'SHIPMENT_CONFIRMATION', 'INVOICE_GENERATION', 'RETURN_AUTHORIZATION', 'CREDIT_MEMO')),
      subject_type    text NOT NULL,
      subject_id      uuid NOT NULL,
      order_id        uuid REFERENCES sales_orders (id),
      channel_id      uuid REFERENCES channels (id),
      outcome         text NOT NULL CHECK (outcome IN ('pass', 'hold', 'fail', 'override')),
      rules           jsonb NOT NULL,
      workflow_version integer NOT NULL,
      variant_id      uuid,
      variant_version integer,
      actor_id        uuid,
      actor_label     text NOT NULL,
      reason          text,
      at              timestamptz NOT NULL
    );
    CREATE INDEX control_decisions_order ON control_decisions (order_id, at);
    CREATE INDEX control_decisions_channel ON control_decisions (channel_id, control_point, at);
    CREATE TRIGGER control_decisions_append_only BEFORE UPDATE OR DELETE ON control_decisions FOR EACH ROW EXECUTE FUNCTION orders_append_only();

    CREATE TABLE holds (
      id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_id       uuid NOT NULL REFERENCES sales_orders (id),
      control_point  text NOT NULL,
      type           text NOT NULL CHECK (type IN ('credit_limit', 'margin_floor', 'payment_status', 'stock_cover', 'manual_approval')),
      reason         text NOT NULL,
      decision_id    uuid NOT NULL REFERENCES control_decisions (id),
      opened_at      timestamptz NOT NULL,
      released_at    timestamptz,
      released_by    uuid,
      release_reason text,
      CHECK ((released_at IS NULL) = (released_by IS NULL))
    );
    CREATE UNIQUE INDEX holds_one_open_per_type ON holds (order_id, type) WHERE released_at IS NULL;

    CREATE TABLE order_exceptions (
      id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      control_point          text NOT NULL,
      category               text NOT NULL,
      subject_type           text NOT NULL,
      subject_id             uuid NOT NULL,
      order_id               uuid REFERENCES sales_orders (id),
      channel_id             uuid REFERENCES channels (id),
      detail                 text NOT NULL,
      status                 text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'waived')),
      owner_id               uuid REFERENCES users (id),
      current_assignment_id  uuid,
      due_at                 timestamptz NOT NULL,
      opened_at              timestamptz NOT NULL,
      resolved_at            timestamptz,
      version                integer NOT NULL DEFAULT 1
    );
    CREATE INDEX order_exceptions_open ON order_exceptions (status, due_at);
    CREATE INDEX order_exceptions_open_subject ON order_exceptions (subject_id, control_point, category) WHERE status = 'open';
    CREATE TRIGGER order_exceptions_owner_guard BEFORE UPDATE OF owner_id ON order_exceptions
      FOR EACH ROW EXECUTE FUNCTION owner_written_by_routing();

    CREATE TABLE shipments (
      id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_id      uuid NOT NULL REFERENCES sales_orders (id),
      location_id   uuid NOT NULL REFERENCES locations (id),
      status        text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'confirmed', 'cancelled')),
      created_at    timestamptz NOT NULL,
      confirmed_at  timestamptz
    );
    CREATE TABLE shipment_lines (
      id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      shipment_id    uuid NOT NULL REFERENCES shipments (id),
      order_line_id  uuid NOT NULL REFERENCES order_lines (id),
      allocation_id  uuid NOT NULL UNIQUE REFERENCES allocations (id),
      qty            integer NOT NULL CHECK (qty > 0)
    );

    CREATE TABLE invoices (
      id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_id        uuid NOT NULL REFERENCES sales_orders (id),
      shipment_id     uuid REFERENCES shipments (id),
      status          text NOT NULL DEFAULT 'posted' CHECK (status IN ('draft', 'posted', 'void')),
      net_minor       bigint NOT NULL CHECK (net_minor >= 0),
      tax_minor       bigint NOT NULL CHECK (tax_minor >= 0),
      total_minor     bigint NOT NULL CHECK (total_minor = net_minor + tax_minor),
      currency        text NOT NULL,
      posted_at       timestamptz NOT NULL
    );
    CREATE TABLE invoice_lines (
      id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      invoice_id       uuid NOT NULL REFERENCES invoices (id),
      order_line_id    uuid NOT NULL REFERENCES order_lines (id),
      qty              integer NOT NULL CHECK (qty > 0),
      net_minor        bigint NOT NULL CHECK (net_minor >= 0),
      cost_minor       bigint NOT NULL CHECK (cost_minor >= 0),
      rebate_minor     bigint NOT NULL DEFAULT 0 CHECK (rebate_minor >= 0),
      rebate_program_id uuid REFERENCES rebate_programs (id)
    );

    CREATE TABLE return_authorizations (
      id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_id       uuid NOT NULL REFERENCES sales_orders (id),
      location_id    uuid NOT NULL REFERENCES locations (id),
      status         text NOT NULL DEFAULT 'authorized' CHECK (status IN ('authorized', 'declined', 'received', 'closed')),
      reason         text NOT NULL,
      authorized_at  timestamptz NOT NULL,
      received_at    timestamptz,
      credited_at    timestamptz,
      version        integer NOT NULL DEFAULT 1
    );
    CREATE TABLE return_lines (
      id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      return_id       uuid NOT NULL REFERENCES return_authorizations (id),
      order_line_id   uuid NOT NULL REFERENCES order_lines (id),
      qty_authorized  integer NOT NULL CHECK (qty_authorized > 0),
      qty_received    integer NOT NULL DEFAULT 0 CHECK (qty_received >= 0 AND qty_received <= qty_authorized),
      qty_restocked   integer NOT NULL DEFAULT 0 CHECK (qty_restocked >= 0),
      qty_quarantined integer NOT NULL DEFAULT 0 CHECK (qty_quarantined >= 0),
      qty_scrapped    integer NOT NULL DEFAULT 0 CHECK (qty_scrapped >= 0),
      CHECK (qty_restocked + qty_quarantined + qty_scrapped = qty_received)
    );

    CREATE TABLE credit_memos (
      id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      order_id        uuid NOT NULL REFERENCES sales_orders (id),
      return_id       uuid REFERENCES return_authorizations (id),
      kind            text NOT NULL CHECK (kind IN ('goods', 'price')),
      reason_code     text,
      status          text NOT NULL DEFAULT 'posted' CHECK (status IN ('draft', 'approved', 'posted', 'void')),
      net_minor       bigint NOT NULL CHECK (net_minor > 0),
      tax_minor       bigint NOT NULL CHECK (tax_minor >= 0),
      total_minor     bigint NOT NULL CHECK (total_minor = net_minor + tax_minor),
      posted_at       timestamptz NOT NULL,
      CHECK (kind <> 'price' OR length(trim(reason_code)) > 0)
    );
    CREATE TABLE credit_memo_lines (
      id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      credit_memo_id  uuid NOT NULL REFERENCES credit_memos (id),
      order_line_id   uuid NOT NULL REFERENCES order_lines (id),
      qty             integer NOT NULL CHECK (qty >= 0),
      net_minor       bigint NOT NULL CHECK (net_minor > 0)
    );

    CREATE TABLE purchase_orders (
      id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      supplier       text NOT NULL,
      location_id    uuid NOT NULL REFERENCES locations (id),
      status         text NOT NULL CHECK (status IN ('pending_approval', 'ordered', 'received', 'cancelled')),
      total_minor    bigint NOT NULL CHECK (total_minor >= 0),
      approved_by    uuid,
      created_by     uuid,
      created_at     timestamptz NOT NULL,
      version        integer NOT NULL DEFAULT 1
    );
    CREATE TABLE purchase_order_lines (
      id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      purchase_order_id uuid NOT NULL REFERENCES purchase_orders (id),
      item_id          uuid NOT NULL REFERENCES items (id),
      qty_ordered      integer NOT NULL CHECK (qty_ordered > 0),
      qty_received     integer NOT NULL DEFAULT 0 CHECK (qty_received >= 0 AND qty_received <= qty_ordered),
      unit_cost_minor  bigint NOT NULL CHECK (unit_cost_minor >= 0)
    );

    CREATE TABLE transfers (
      id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      from_location_id  uuid NOT NULL REFERENCES locations (id),
      to_location_id    uuid NOT NULL REFERENCES locations (id),
      transit_location_id uuid NOT NULL REFERENCES locations (id),
      status            text NOT NULL CHECK (status IN ('shipped', 'partially_received', 'received')),
      created_at        timestamptz NOT NULL,
      CHECK (from_location_id <> to_location_id)
    );
    CREATE TABLE transfer_lines (
      id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      transfer_id   uuid NOT NULL REFERENCES transfers (id),
      item_id       uuid NOT NULL REFERENCES items (id),
      qty_shipped   integer NOT NULL CHECK (qty_shipped > 0),
      qty_received  integer NOT NULL DEFAULT 0 CHECK (qty_received >= 0 AND qty_received <= qty_shipped)
    );

    -- Milestones for cycle-time KPIs and the order timeline.
    CREATE TABLE order_events (
      id          bigserial PRIMARY KEY,
      order_id    uuid NOT NULL REFERENCES sales_orders (id),
      channel_id  uuid NOT NULL REFERENCES channels (id),
      type        text NOT NULL,
      subject_id  uuid,
      actor_id    uuid,
      at          timestamptz NOT NULL
    );
    CREATE INDEX order_events_order ON order_events (order_id, at);
    CREATE INDEX order_events_type ON order_events (type, at);
    CREATE TRIGGER order_events_append_only BEFORE UPDATE OR DELETE ON order_events FOR EACH ROW EXECUTE FUNCTION orders_append_only();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE order_events, transfer_lines, transfers, purchase_order_lines, purchase_orders, credit_memo_lines, credit_memos,
      return_lines, return_authorizations, invoice_lines, invoices, shipment_lines, shipments, order_exceptions, holds,
      control_decisions, allocations, order_lines, sales_orders, quotes, cycle_counts, stock_ledger, stock_levels,
      workflow_variants, workflow_definitions, rebate_programs, customer_terms, tax_rates, channel_locations, channels,
      price_list_items, price_lists, items, locations;
    DROP FUNCTION orders_append_only;
  `.execute(db);
}
