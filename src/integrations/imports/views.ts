import type { Selectable } from 'kysely';
import type { ImportJobTable } from '../../platform/db/database.js';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export const importJobView = (r: Selectable<ImportJobTable>) => ({
  id: r.id,
  recordType: r.record_type,
  status: r.status,
  mode: r.mode,
  dryRun: r.dry_run,
  preset: r.preset,
  mapping: r.mapping,
  fileName: r.file_name,
  fileBytes: Number(r.file_bytes),
  progress: {
    phase: r.lines_total === null ? ('validating' as const) : ('importing' as const),
    bytesDone: Number(r.bytes_done),
    /** 0–1 over both passes: checking every row, then writing them. */
    fraction:
      r.status === 'done' || r.status === 'rejected'
        ? 1
        : Number(r.file_bytes) === 0
          ? 0
          : Math.min(1, (Number(r.bytes_done) / Number(r.file_bytes)) * 0.5 + (r.lines_total === null ? 0 : 0.5)),
    linesTotal: r.lines_total,
    linesValidated: r.lines_validated,
    checkpointLine: r.checkpoint_line,
  },
  imported: r.imported,
  skipped: r.skipped,
  errors: r.error_count,
  warnings: r.warning_count,
  failure: r.failure,
  createdBy: r.created_by_label,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
  finishedAt: iso(r.finished_at),
});
export type ImportJobView = ReturnType<typeof importJobView>;
