import { type Kysely, sql } from 'kysely';

/**
 * Continuous conflict detection remembers how far it has looked: each scan covers acts created since the
 * previous scan's horizon (minus an overlap, which the conflict_cases unique index dedupes). One row, locked
 * by the scan, so the cron sweep and an on-demand scan never run side by side.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE conflict_scan_state (
      id              boolean PRIMARY KEY DEFAULT true CHECK (id),
      scanned_through timestamptz,
      last_run_at     timestamptz,
      last_opened     integer NOT NULL DEFAULT 0
    );
    INSERT INTO conflict_scan_state DEFAULT VALUES;
    CREATE INDEX opportunities_direct_created ON opportunities (created_at) WHERE partner_id IS NULL;
    CREATE INDEX activities_internal_created ON activities (created_at) WHERE partner_id IS NULL;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX activities_internal_created;
    DROP INDEX opportunities_direct_created;
    DROP TABLE conflict_scan_state;
  `.execute(db);
}
