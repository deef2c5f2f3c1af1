import { type Kysely, sql } from 'kysely';

/**
 * CSV imports as rows: the uploaded file (in chunks, so a crashed server can resume it), the job with its
 * progress counters and the last committed line, per-line errors and warnings, and the external ids an
 * import created (a second import of the same export skips them instead of creating duplicates).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE import_jobs (
      id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      record_type       text NOT NULL CHECK (record_type IN ('accounts', 'leads', 'opportunities')),
      status            text NOT NULL CHECK (status IN ('uploading', 'queued', 'validating', 'importing', 'done', 'rejected', 'failed')),
      mode              text NOT NULL CHECK (mode IN ('all_or_nothing', 'valid_rows')),
      dry_run           boolean NOT NULL,
      preset            text,
      mapping           jsonb NOT NULL,
      file_name         text NOT NULL,
      source            text NOT NULL CHECK (source IN ('upload', 'file')),
      file_path         text,
      file_bytes        bigint NOT NULL DEFAULT 0,
      file_sha256       text,
      bytes_done        bigint NOT NULL DEFAULT 0,
      lines_total       integer,
      lines_validated   integer NOT NULL DEFAULT 0,
      checkpoint_line   integer NOT NULL DEFAULT 1,
      imported          integer NOT NULL DEFAULT 0,
      skipped           integer NOT NULL DEFAULT 0,
      error_count       integer NOT NULL DEFAULT 0,
      warning_count     integer NOT NULL DEFAULT 0,
      failure           text,
      lease_until       timestamptz,
      created_by        uuid,
      created_by_label  text NOT NULL,
      created_at        timestamptz NOT NULL,
      updated_at        timestamptz NOT NULL,
      finished_at       timestamptz
    );
    CREATE INDEX import_jobs_created ON import_jobs (created_at DESC);

    CREATE TABLE import_file_chunks (
      job_id  uuid NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
      seq     integer NOT NULL CHECK (seq >= 0),
      data    bytea NOT NULL,
      PRIMARY KEY (job_id, seq)
    );

    CREATE TABLE import_issues (
      job_id    uuid NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
      line      integer NOT NULL CHECK (line >= 0),
      severity  text NOT NULL CHECK (severity IN ('error', 'warning')),
      field     text NOT NULL,
      message   text NOT NULL,
      raw       text,
      PRIMARY KEY (job_id, line, severity, field)
    );

    CREATE TABLE import_record_keys (
      record_type  text NOT NULL CHECK (record_type IN ('accounts', 'leads', 'opportunities')),
      source       text NOT NULL,
      external_id  text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 255),
      record_id    uuid NOT NULL,
      job_id       uuid NOT NULL REFERENCES import_jobs (id),
      line         integer NOT NULL,
      PRIMARY KEY (record_type, source, external_id)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE import_record_keys, import_issues, import_file_chunks, import_jobs`.execute(db);
}
