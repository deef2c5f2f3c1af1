import { type Kysely, sql } from 'kysely';

/**
 * Order performance (issue 5).
 *
 * 1. KPI rollup, kept current by triggers in the writing transaction (so every writer — use cases, the historical
 *    import, bulk SQL — keeps it exact), keyed by the order's UTC creation day × channel × slot:
 *    - order_kpi_daily: orders created, and the net / cost / rebate of their posted invoice lines;
 *    - order_cycle_daily: orders released and shipped, per whole hour of cycle time (released → shipped).
 *    In order_kpi_daily the slot (a hash of the order id, 0–15) spreads concurrent writers of one channel and
 *    day (every order created, every invoice posted) over 16 rows so no single counter row serialises them;
 *    readers sum the slots. order_cycle_daily is already spread by hour bucket and only shipment confirmation
 *    (or an import) writes it. Allocation writes none of these tables.
 * 2. The cycle-time index: per channel and whole-hour bucket, the exact cycle times of a bucket are an index
 *    range away, so exact percentiles read the rollup's histogram plus one bucket's rows (see get-order-kpis).
 * 3. Missing foreign-key / lookup indexes on the order lifecycle path (invoices, shipments and their lines, holds,
 *    exception cases and returns by order; released orders by account for the credit exposure sum).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION order_kpi_day(created_at timestamptz) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT (created_at AT TIME ZONE 'UTC')::date $$;
    CREATE FUNCTION order_kpi_slot(order_id uuid) RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT (hashtext(order_id::text) & 15)::smallint $$;
    CREATE FUNCTION order_cycle_bucket(released_at timestamptz, shipped_at timestamptz) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $$ SELECT floor(extract(epoch from (shipped_at - released_at)) / 3600)::integer $$;

    CREATE TABLE order_kpi_daily (
      day           date NOT NULL,
      channel_id    uuid NOT NULL,
      slot          smallint NOT NULL,
      orders        bigint NOT NULL DEFAULT 0,
      invoice_lines bigint NOT NULL DEFAULT 0,
      net_minor     bigint NOT NULL DEFAULT 0,
      cost_minor    bigint NOT NULL DEFAULT 0,
      rebate_minor  bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (day, channel_id, slot)
    );
    CREATE TABLE order_cycle_daily (
      day         date NOT NULL,
      channel_id  uuid NOT NULL,
      hour_bucket integer NOT NULL,
      orders      bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (day, channel_id, hour_bucket)
    );

    -- Statement-level: inserted rows add, deleted rows subtract (bulk inserts pay one upsert per statement).
    CREATE FUNCTION order_kpi_orders_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        INSERT INTO order_kpi_daily AS k (day, channel_id, slot, orders)
        SELECT order_kpi_day(n.created_at), n.channel_id, order_kpi_slot(n.id), count(*) FROM new_rows n GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (day, channel_id, slot) DO UPDATE SET orders = k.orders + excluded.orders;
        INSERT INTO order_cycle_daily AS k (day, channel_id, hour_bucket, orders)
        SELECT order_kpi_day(n.created_at), n.channel_id, order_cycle_bucket(n.released_at, n.shipped_at), count(*)
        FROM new_rows n WHERE n.released_at IS NOT NULL AND n.shipped_at IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (day, channel_id, hour_bucket) DO UPDATE SET orders = k.orders + excluded.orders;
      END IF;
      IF TG_OP = 'DELETE' THEN
        UPDATE order_kpi_daily k SET orders = k.orders - o.n
        FROM (SELECT order_kpi_day(created_at) AS day, channel_id, order_kpi_slot(id) AS slot, count(*) AS n FROM old_rows GROUP BY 1, 2, 3) o
        WHERE k.day = o.day AND k.channel_id = o.channel_id AND k.slot = o.slot;
        UPDATE order_cycle_daily k SET orders = k.orders - o.n
        FROM (SELECT order_kpi_day(created_at) AS day, channel_id, order_cycle_bucket(released_at, shipped_at) AS hour_bucket, count(*) AS n
              FROM old_rows WHERE released_at IS NOT NULL AND shipped_at IS NOT NULL GROUP BY 1, 2, 3) o
        WHERE k.day = o.day AND k.channel_id = o.channel_id AND k.hour_bucket = o.hour_bucket;
      END IF;
      RETURN NULL;
    END $$;

    -- Insert and delete: every row. Update: only rows whose KPI key moved (a version bump is a no-op here).
    CREATE TRIGGER sales_orders_kpi_insert AFTER INSERT ON sales_orders REFERENCING NEW TABLE AS new_rows
      FOR EACH STATEMENT EXECUTE FUNCTION order_kpi_orders_changed();
    CREATE TRIGGER sales_orders_kpi_delete AFTER DELETE ON sales_orders REFERENCING OLD TABLE AS old_rows
      FOR EACH STATEMENT EXECUTE FUNCTION order_kpi_orders_changed();
    CREATE FUNCTION order_kpi_order_updated() RETURNS trigger LANGUAGE plpgsql
      SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
    BEGIN
      IF OLD.released_at IS NOT NULL AND OLD.shipped_at IS NOT NULL THEN
        UPDATE order_cycle_daily SET orders = orders - 1
        WHERE day = order_kpi_day(OLD.created_at) AND channel_id = OLD.channel_id AND hour_bucket = order_cycle_bucket(OLD.released_at, OLD.shipped_at);
      END IF;
      IF NEW.released_at IS NOT NULL AND NEW.shipped_at IS NOT NULL THEN
        INSERT INTO order_cycle_daily AS k (day, channel_id, hour_bucket, orders)
        VALUES (order_kpi_day(NEW.created_at), NEW.channel_id, order_cycle_bucket(NEW.released_at, NEW.shipped_at), 1)
        ON CONFLICT (day, channel_id, hour_bucket) DO UPDATE SET orders = k.orders + 1;
      END IF;
      IF (OLD.created_at, OLD.channel_id) IS DISTINCT FROM (NEW.created_at, NEW.channel_id) THEN
        UPDATE order_kpi_daily SET orders = orders - 1
        WHERE day = order_kpi_day(OLD.created_at) AND channel_id = OLD.channel_id AND slot = order_kpi_slot(OLD.id);
        INSERT INTO order_kpi_daily AS k (day, channel_id, slot, orders) VALUES (order_kpi_day(NEW.created_at), NEW.channel_id, order_kpi_slot(NEW.id), 1)
        ON CONFLICT (day, channel_id, slot) DO UPDATE SET orders = k.orders + 1;
        -- Its posted invoice lines move with it.
        UPDATE order_kpi_daily k SET invoice_lines = k.invoice_lines - s.lines, net_minor = k.net_minor - s.net, cost_minor = k.cost_minor - s.cost, rebate_minor = k.rebate_minor - s.rebate
        FROM (SELECT count(*) AS lines, coalesce(sum(il.net_minor), 0) AS net, coalesce(sum(il.cost_minor), 0) AS cost, coalesce(sum(il.rebate_minor), 0) AS rebate
              FROM invoice_lines il JOIN invoices i ON i.id = il.invoice_id WHERE i.order_id = OLD.id AND i.status = 'posted') s
        WHERE k.day = order_kpi_day(OLD.created_at) AND k.channel_id = OLD.channel_id AND k.slot = order_kpi_slot(OLD.id);
        UPDATE order_kpi_daily k SET invoice_lines = k.invoice_lines + s.lines, net_minor = k.net_minor + s.net, cost_minor = k.cost_minor + s.cost, rebate_minor = k.rebate_minor + s.rebate
        FROM (SELECT count(*) AS lines, coalesce(sum(il.net_minor), 0) AS net, coalesce(sum(il.cost_minor), 0) AS cost, coalesce(sum(il.rebate_minor), 0) AS rebate
              FROM invoice_lines il JOIN invoices i ON i.id = il.invoice_id WHERE i.order_id = NEW.id AND i.status = 'posted') s
        WHERE k.day = order_kpi_day(NEW.created_at) AND k.channel_id = NEW.channel_id AND k.slot = order_kpi_slot(NEW.id);
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER sales_orders_kpi_update AFTER UPDATE OF created_at, channel_id, released_at, shipped_at ON sales_orders
      FOR EACH ROW WHEN ((OLD.created_at, OLD.channel_id, OLD.released_at, OLD.shipped_at) IS DISTINCT FROM (NEW.created_at, NEW.channel_id, NEW.released_at, NEW.shipped_at))
      EXECUTE FUNCTION order_kpi_order_updated();

    -- Margin: posted invoice lines, credited to their order's creation day and channel.
    -- A statement's transition table has no statistics and fresh tables may have none either, so the lookups
    -- from changed rows to their invoice and order are pinned to primary-key nested loops (a bulk insert of 50k
    -- lines once took a seq-scan-per-row plan past the statement timeout).
    CREATE FUNCTION order_kpi_invoice_lines_changed() RETURNS trigger LANGUAGE plpgsql
      SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
    DECLARE sign integer := CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END;
    BEGIN
      INSERT INTO order_kpi_daily AS k (day, channel_id, slot, invoice_lines, net_minor, cost_minor, rebate_minor)
      SELECT order_kpi_day(o.created_at), o.channel_id, order_kpi_slot(o.id), sign * count(*), sign * sum(l.net_minor), sign * sum(l.cost_minor), sign * sum(l.rebate_minor)
      FROM changed_rows l JOIN invoices i ON i.id = l.invoice_id JOIN sales_orders o ON o.id = i.order_id
      WHERE i.status = 'posted' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT (day, channel_id, slot) DO UPDATE SET invoice_lines = k.invoice_lines + excluded.invoice_lines, net_minor = k.net_minor + excluded.net_minor,
        cost_minor = k.cost_minor + excluded.cost_minor, rebate_minor = k.rebate_minor + excluded.rebate_minor;
      RETURN NULL;
    END $$;
    CREATE TRIGGER invoice_lines_kpi_insert AFTER INSERT ON invoice_lines REFERENCING NEW TABLE AS changed_rows
      FOR EACH STATEMENT EXECUTE FUNCTION order_kpi_invoice_lines_changed();
    CREATE TRIGGER invoice_lines_kpi_delete AFTER DELETE ON invoice_lines REFERENCING OLD TABLE AS changed_rows
      FOR EACH STATEMENT EXECUTE FUNCTION order_kpi_invoice_lines_changed();
    -- An invoice entering or leaving 'posted' (nothing does today; void would) moves its lines in or out.
    CREATE FUNCTION order_kpi_invoice_status_changed() RETURNS trigger LANGUAGE plpgsql
      SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
    DECLARE sign integer := CASE WHEN NEW.status = 'posted' THEN 1 ELSE -1 END;
    BEGIN
      INSERT INTO order_kpi_daily AS k (day, channel_id, slot, invoice_lines, net_minor, cost_minor, rebate_minor)
      SELECT order_kpi_day(o.created_at), o.channel_id, order_kpi_slot(o.id), sign * count(*), sign * sum(l.net_minor), sign * sum(l.cost_minor), sign * sum(l.rebate_minor)
      FROM invoice_lines l JOIN sales_orders o ON o.id = NEW.order_id WHERE l.invoice_id = NEW.id GROUP BY 1, 2, 3
      ON CONFLICT (day, channel_id, slot) DO UPDATE SET invoice_lines = k.invoice_lines + excluded.invoice_lines, net_minor = k.net_minor + excluded.net_minor,
        cost_minor = k.cost_minor + excluded.cost_minor, rebate_minor = k.rebate_minor + excluded.rebate_minor;
      RETURN NULL;
    END $$;
    CREATE TRIGGER invoices_kpi_status AFTER UPDATE OF status ON invoices
      FOR EACH ROW WHEN ((OLD.status = 'posted') <> (NEW.status = 'posted')) EXECUTE FUNCTION order_kpi_invoice_status_changed();

    -- Whatever exists already.
    INSERT INTO order_kpi_daily (day, channel_id, slot, orders)
    SELECT order_kpi_day(created_at), channel_id, order_kpi_slot(id), count(*) FROM sales_orders GROUP BY 1, 2, 3;
    INSERT INTO order_kpi_daily AS k (day, channel_id, slot, invoice_lines, net_minor, cost_minor, rebate_minor)
    SELECT order_kpi_day(o.created_at), o.channel_id, order_kpi_slot(o.id), count(*), sum(l.net_minor), sum(l.cost_minor), sum(l.rebate_minor)
    FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id JOIN sales_orders o ON o.id = i.order_id WHERE i.status = 'posted' GROUP BY 1, 2, 3
    ON CONFLICT (day, channel_id, slot) DO UPDATE SET invoice_lines = excluded.invoice_lines, net_minor = excluded.net_minor, cost_minor = excluded.cost_minor, rebate_minor = excluded.rebate_minor;
    INSERT INTO order_cycle_daily (day, channel_id, hour_bucket, orders)
    SELECT order_kpi_day(created_at), channel_id, order_cycle_bucket(released_at, shipped_at), count(*)
    FROM sales_orders WHERE released_at IS NOT NULL AND shipped_at IS NOT NULL GROUP BY 1, 2, 3;

    CREATE INDEX sales_orders_cycle ON sales_orders (channel_id, order_cycle_bucket(released_at, shipped_at), created_at) INCLUDE (released_at, shipped_at)
      WHERE released_at IS NOT NULL AND shipped_at IS NOT NULL;
    CREATE INDEX sales_orders_created ON sales_orders (created_at);
    CREATE INDEX sales_orders_account_released ON sales_orders (account_id) WHERE lifecycle = 'released';
    CREATE INDEX invoices_order ON invoices (order_id);
    CREATE INDEX invoice_lines_invoice ON invoice_lines (invoice_id);
    CREATE INDEX shipments_order ON shipments (order_id);
    CREATE INDEX shipment_lines_shipment ON shipment_lines (shipment_id);
    CREATE INDEX order_exceptions_order ON order_exceptions (order_id);
    CREATE INDEX holds_order ON holds (order_id);
    CREATE INDEX return_authorizations_order ON return_authorizations (order_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX return_authorizations_order, holds_order, order_exceptions_order, shipment_lines_shipment, shipments_order, invoice_lines_invoice, invoices_order, sales_orders_account_released, sales_orders_created, sales_orders_cycle;
    DROP TRIGGER invoices_kpi_status ON invoices;
    DROP TRIGGER invoice_lines_kpi_delete ON invoice_lines;
    DROP TRIGGER invoice_lines_kpi_insert ON invoice_lines;
    DROP TRIGGER sales_orders_kpi_update ON sales_orders;
    DROP TRIGGER sales_orders_kpi_delete ON sales_orders;
    DROP TRIGGER sales_orders_kpi_insert ON sales_orders;
    DROP FUNCTION order_kpi_invoice_status_changed, order_kpi_invoice_lines_changed, order_kpi_order_updated, order_kpi_orders_changed;
    DROP TABLE order_cycle_daily, order_kpi_daily;
    DROP FUNCTION order_cycle_bucket, order_kpi_slot, order_kpi_day;
  `.execute(db);
}
