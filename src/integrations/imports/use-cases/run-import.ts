import { sql } from 'kysely';
import { assertCan } from '../../../platform/access/can.js';
import type { ImportJobTable, Trx } from '../../../platform/db/database.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { sealSoon } from '../../../platform/audit/seal-audit.js';
import { recordChange } from '../../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../../platform/use-case-context.js';
import type { CreateAccountInput, CreateLeadInput, CreateOpportunityInput } from '../../../routing/schemas.js';
import { createRecordsBatch } from '../../../routing/use-cases/create-records-batch.js';
import { dbWithin } from '../../sync/within-transaction.js';
import { type ConvertedRow, type ImportType, type Preset, type Resolved, convertRow, resolveMapping } from '../core/mapping.js';
import { type CsvRecord, type FileSource, ImportFileError, csvRecords, sha256Of } from '../csv-records.js';
import { type ImportJobView, importJobView } from '../views.js';
import type { Selectable } from 'kysely';

type Job = Selectable<ImportJobTable>;
type Issue = { line: number; severity: 'error' | 'warning'; field: string; message: string; raw: string | null };

export type RunOptions = {
  /** Rows per committed transaction (and per checkpoint). */
  chunkSize?: number;
  /** Called inside each chunk's transaction just before it commits (tests use it to kill the transaction). */
  beforeCommit?: (trx: Trx, lastLine: number) => Promise<void>;
  onProgress?: (job: ImportJobView) => void;
};

const LEASE_MS = 5 * 60_000;

/**
 * Runs (or resumes) an import job. Pass 1 reads the whole file and records every row's errors and warnings
 * — nothing is written, and in all-or-nothing mode (the default) any error rejects the file here. Pass 2
 * writes the rows through the native batch create (route, audit, outbox like a typed record), one
 * transaction per chunk that also advances the job's checkpoint line: after a crash, running the job again
 * continues after the last committed line, so each line is applied exactly once. External ids (when
 * mapped) are remembered per source, so importing the same export again skips rows already imported.
 */
export async function runImport(ctx: UseCaseContext, jobId: string, options: RunOptions = {}): Promise<ImportJobView> {
  assertCan(ctx.actor, 'integration.manage');
  const run: UseCaseContext = { ...ctx, idempotency: undefined };
  let job = await claim(run, jobId);
  try {
    const source: FileSource = job.source === 'upload' ? { kind: 'upload', db: run.db, jobId } : { kind: 'file', path: job.file_path! };
    if (job.source === 'file' && (await sha256Of(source)) !== job.file_sha256) {
      throw new AppError('conflict', `${job.file_path} changed since the import started; start a new import.`);
    }
    if (job.lines_total === null) job = await validate(run, job, source, options);
    if (job.status === 'importing') job = await apply(run, job, source, options);
    return importJobView(job);
  } catch (error) {
    const failure =
      error instanceof AppError
        ? error.message
        : `stopped: ${(error as Error).message}; resume the job to continue after line ${job.checkpoint_line}`;
    await ctx.db
      .updateTable('import_jobs')
      .set({ status: 'failed', failure, lease_until: null, updated_at: ctx.clock.now() })
      .where('id', '=', jobId)
      .execute();
    throw error;
  }
}

/** Takes the job's lease: one runner at a time, and a runner that died gives it up when the lease runs out. */
async function claim(ctx: UseCaseContext, jobId: string): Promise<Job> {
  const now = ctx.clock.now();
  const claimed = await ctx.db
    .updateTable('import_jobs')
    .set({
      lease_until: new Date(now.getTime() + LEASE_MS),
      status: sql`case when lines_total is null then 'validating' else 'importing' end`,
      failure: null,
      updated_at: now,
    })
    .where('id', '=', jobId)
    .where('status', 'in', ['queued', 'validating', 'importing', 'failed'])
    .where('file_sha256', 'is not', null)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .returningAll()
    .executeTakeFirst();
  if (claimed) return claimed;
  const job = await ctx.db.selectFrom('import_jobs').selectAll().where('id', '=', jobId).executeTakeFirst();
  if (!job) throw notFound('import');
  if (job.status === 'done' || job.status === 'rejected') throw new AppError('conflict', `The import is already ${job.status}.`);
  if (job.file_sha256 === null) throw new AppError('conflict', 'The upload of this import did not complete; upload the file again.');
  throw new AppError('conflict', 'The import is running; its progress is at GET /api/v1/imports/{id}.');
}

type Checked = { record: CsvRecord; row: ConvertedRow | null; ragged: string | null };

async function* checkedRows(
  job: Job,
  source: FileSource,
  onBytes: (n: number) => void,
  onHeader: (resolved: Resolved, header: string[]) => void,
): AsyncGenerator<Checked> {
  let header: string[] | null = null;
  let resolved: Resolved | null = null;
  for await (const record of csvRecords(source, onBytes)) {
    if (!header) {
      header = record.values;
      const r = resolveMapping(job.record_type, header, {
        preset: job.preset as Preset | null,
        mapping: Object.keys(job.mapping).length ? job.mapping : null,
      });
      if (!r.ok) throw new HeaderProblems(r.problems);
      resolved = r.resolved;
      onHeader(resolved, header);
      continue;
    }
    if (record.values.length !== header.length) {
      yield { record, row: null, ragged: `has ${record.values.length} fields; the header has ${header.length}` };
      continue;
    }
    yield { record, row: convertRow(job.record_type, resolved!, record.values), ragged: null };
  }
  if (!header) throw new ImportFileError(1, 'file', 'the file is empty (no header line)');
}

class HeaderProblems extends Error {
  constructor(readonly problems: Array<{ field: string; message: string }>) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  }
}

const issuesOf = (c: Checked): Issue[] => {
  const raw = c.record.raw.slice(0, 2000);
  if (c.ragged) return [{ line: c.record.line, severity: 'error', field: 'row', message: c.ragged, raw }];
  return [
    ...c.row!.errors.map((e) => ({ line: c.record.line, severity: 'error' as const, field: e.field, message: e.message, raw })),
    ...c.row!.warnings.map((w) => ({ line: c.record.line, severity: 'warning' as const, field: w.field, message: w.message, raw })),
  ];
};

async function saveIssues(db: UseCaseContext['db'] | Trx, jobId: string, issues: Issue[]): Promise<void> {
  for (let i = 0; i < issues.length; i += 1000) {
    await db
      .insertInto('import_issues')
      .values(issues.slice(i, i + 1000).map((x) => ({ job_id: jobId, ...x })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

/** Account names → ids (the oldest account of each name), for the rows of one chunk. */
async function accountsByName(db: UseCaseContext['db'] | Trx, names: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(names)];
  const found = new Map<string, string>();
  if (unique.length === 0) return found;
  const rows = await db.selectFrom('accounts').select(['id', 'name']).where('name', 'in', unique).orderBy('created_at', 'desc').execute();
  for (const r of rows) found.set(r.name, r.id);
  return found;
}

async function validate(ctx: UseCaseContext, job: Job, source: FileSource, options: RunOptions): Promise<Job> {
  const chunkSize = options.chunkSize ?? 1000;
  await ctx.db.deleteFrom('import_issues').where('job_id', '=', job.id).execute();
  let bytes = 0;
  let lines = 0;
  let errorRows = 0;
  let warnings = 0;
  let issues: Issue[] = [];
  let names: Array<{ name: string; line: number; raw: string; field: string }> = [];
  const flush = async () => {
    if (names.length) {
      const known = await accountsByName(
        ctx.db,
        names.map((n) => n.name),
      );
      for (const n of names)
        if (!known.has(n.name))
          issues.push({
            line: n.line,
            severity: 'warning',
            field: n.field,
            message: `no account named "${n.name}"; imported without one`,
            raw: n.raw,
          });
      names = [];
    }
    warnings += issues.filter((i) => i.severity === 'warning').length;
    await saveIssues(ctx.db, job.id, issues);
    issues = [];
    const updated = await ctx.db
      .updateTable('import_jobs')
      .set({
        bytes_done: bytes,
        lines_validated: lines,
        error_count: errorRows,
        warning_count: warnings,
        lease_until: new Date(ctx.clock.now().getTime() + LEASE_MS),
        updated_at: ctx.clock.now(),
      })
      .where('id', '=', job.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    options.onProgress?.(importJobView(updated));
  };
  let accountColumn: string | null = null;
  try {
    for await (const checked of checkedRows(
      job,
      source,
      (n) => (bytes += n),
      (resolved) => {
        for (const column of resolved.ignored)
          issues.push({ line: 1, severity: 'warning', field: column, message: 'is not mapped to a field; ignored', raw: null });
        if (resolved.composedName)
          issues.push({
            line: 1,
            severity: 'warning',
            field: 'name',
            message: 'no column maps to name; each name is composed from product and account',
            raw: null,
          });
        accountColumn = resolved.columns.find((c) => c.field === 'accountName')?.column ?? null;
      },
    )) {
      lines++;
      const found = issuesOf(checked);
      if (found.some((i) => i.severity === 'error')) errorRows++;
      issues.push(...found);
      if (checked.row?.accountName && checked.row.errors.length === 0)
        names.push({
          name: checked.row.accountName,
          line: checked.record.line,
          raw: checked.record.raw.slice(0, 2000),
          field: accountColumn ?? 'accountName',
        });
      if (lines % chunkSize === 0) await flush();
    }
  } catch (error) {
    if (!(error instanceof ImportFileError || error instanceof HeaderProblems)) throw error;
    const problems = error instanceof HeaderProblems ? error.problems : [{ field: error.field, message: error.message }];
    const line = error instanceof ImportFileError ? error.line : 1;
    await saveIssues(
      ctx.db,
      job.id,
      problems.map((p) => ({ line, severity: 'error', field: p.field, message: p.message, raw: null })),
    );
    return finish(ctx, job.id, {
      status: 'rejected',
      error_count: problems.length,
      bytes_done: bytes,
      failure: `The file was rejected, nothing was imported: ${error.message}`,
    });
  }
  await flush();
  if (job.dry_run) return finish(ctx, job.id, { status: 'done', lines_total: lines, skipped: errorRows, bytes_done: bytes });
  if (job.mode === 'all_or_nothing' && errorRows > 0) {
    return finish(ctx, job.id, {
      status: 'rejected',
      lines_total: lines,
      skipped: lines,
      failure: `${errorRows} of ${lines} rows have errors, so nothing was imported (all or nothing); fix them, or import the valid rows only.`,
    });
  }
  return ctx.db
    .updateTable('import_jobs')
    .set({ status: 'importing', lines_total: lines, bytes_done: 0, updated_at: ctx.clock.now() })
    .where('id', '=', job.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

async function finish(
  ctx: UseCaseContext,
  jobId: string,
  changes: Partial<{
    status: 'done' | 'rejected';
    lines_total: number;
    skipped: number;
    error_count: number;
    bytes_done: number;
    failure: string;
  }>,
): Promise<Job> {
  return inTransaction(ctx, async (trx) => {
    const now = ctx.clock.now();
    const job = await trx
      .updateTable('import_jobs')
      .set({ ...changes, lease_until: null, updated_at: now, finished_at: now })
      .where('id', '=', jobId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(trx, ctx, {
      event: 'import.finished',
      entityType: 'import',
      entityId: jobId,
      reason: job.failure,
      after: {
        status: job.status,
        dryRun: job.dry_run,
        lines: job.lines_total,
        imported: job.imported,
        skipped: job.skipped,
        errors: job.error_count,
        warnings: job.warning_count,
      },
    });
    return job;
  });
}

async function apply(ctx: UseCaseContext, job: Job, source: FileSource, options: RunOptions): Promise<Job> {
  const chunkSize = options.chunkSize ?? 1000;
  let checkpoint = job.checkpoint_line;
  let bytes = 0;
  let batch: Array<{ line: number; row: ConvertedRow; raw: string }> = [];
  let skippedInBatch = 0;
  let lastLine = checkpoint;
  const externalSource = job.preset ?? 'csv';
  const commit = async () => {
    if (lastLine === checkpoint) return;
    const rows = batch;
    const skipped = skippedInBatch;
    const endLine = lastLine;
    batch = [];
    skippedInBatch = 0;
    const updated = await ctx.db.transaction().execute(async (trx) => {
      const locked = await trx
        .selectFrom('import_jobs')
        .select('checkpoint_line')
        .where('id', '=', job.id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (locked.checkpoint_line !== checkpoint) throw new AppError('conflict', 'Another runner advanced this import; this one stops.');
      const duplicates: Issue[] = [];
      const seen = new Map<string, string>();
      const ids = rows.map((r) => r.row.externalId).filter((id): id is string => !!id);
      if (ids.length) {
        const known = await trx
          .selectFrom('import_record_keys')
          .select(['external_id', 'record_id'])
          .where('record_type', '=', job.record_type)
          .where('source', '=', externalSource)
          .where('external_id', 'in', [...new Set(ids)])
          .execute();
        for (const k of known) seen.set(k.external_id, k.record_id);
      }
      const fresh = rows.filter((r) => {
        const id = r.row.externalId;
        if (id && seen.has(id)) {
          duplicates.push({
            line: r.line,
            severity: 'warning',
            field: 'externalId',
            message: `${externalSource} id ${id} was already imported (record ${seen.get(id)}); skipped`,
            raw: r.raw.slice(0, 2000),
          });
          return false;
        }
        if (id) seen.set(id, 'this file');
        return true;
      });
      const accounts = await accountsByName(
        trx,
        fresh.map((r) => r.row.accountName).filter((n): n is string => !!n),
      );
      const inner: UseCaseContext = { ...ctx, db: dbWithin(trx) };
      const inputs = fresh.map((r) =>
        r.row.accountName && accounts.has(r.row.accountName) ? { ...r.row.input, accountId: accounts.get(r.row.accountName) } : r.row.input,
      );
      const created = fresh.length ? await createBatch(inner, job.record_type, inputs) : [];
      const keys = fresh.flatMap((r, i) =>
        r.row.externalId
          ? [
              {
                record_type: job.record_type,
                source: externalSource,
                external_id: r.row.externalId,
                record_id: created[i]!,
                job_id: job.id,
                line: r.line,
              },
            ]
          : [],
      );
      for (let i = 0; i < keys.length; i += 1000)
        await trx
          .insertInto('import_record_keys')
          .values(keys.slice(i, i + 1000))
          .execute();
      await saveIssues(trx, job.id, duplicates);
      const next = await trx
        .updateTable('import_jobs')
        .set((eb) => ({
          checkpoint_line: endLine,
          imported: eb('imported', '+', fresh.length),
          skipped: eb('skipped', '+', skipped + duplicates.length),
          warning_count: eb('warning_count', '+', duplicates.length),
          bytes_done: bytes,
          lease_until: new Date(ctx.clock.now().getTime() + LEASE_MS),
          updated_at: ctx.clock.now(),
        }))
        .where('id', '=', job.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await options.beforeCommit?.(trx, endLine);
      return next;
    });
    sealSoon(ctx.db);
    checkpoint = endLine;
    options.onProgress?.(importJobView(updated));
  };
  for await (const checked of checkedRows(
    job,
    source,
    (n) => (bytes += n),
    () => {},
  )) {
    if (checked.record.line <= checkpoint) continue;
    lastLine = checked.record.line;
    if (checked.ragged || checked.row!.errors.length) skippedInBatch++;
    else batch.push({ line: checked.record.line, row: checked.row!, raw: checked.record.raw });
    if (batch.length + skippedInBatch >= chunkSize) await commit();
  }
  await commit();
  return finish(ctx, job.id, { status: 'done', bytes_done: bytes });
}

function createBatch(ctx: UseCaseContext, type: ImportType, inputs: Array<Record<string, unknown>>): Promise<string[]> {
  const batch =
    type === 'accounts'
      ? { recordType: 'account' as const, inputs: inputs as CreateAccountInput[] }
      : type === 'leads'
        ? { recordType: 'lead' as const, inputs: inputs as CreateLeadInput[] }
        : { recordType: 'opportunity' as const, inputs: inputs as CreateOpportunityInput[] };
  return createRecordsBatch(ctx, batch).then((r) => r.ids);
}
