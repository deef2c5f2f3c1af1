import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { assertCan } from '../../../platform/access/can.js';
import { AppError } from '../../../platform/errors.js';
import { recordChange } from '../../../platform/record-change.js';
import { type UseCaseContext, actorOf, inTransaction } from '../../../platform/use-case-context.js';
import { sha256Of } from '../csv-records.js';
import { type StartImportInput, StartImportSchema } from '../schemas.js';
import { type ImportJobView, importJobView } from '../views.js';

export type ImportFile =
  { kind: 'upload'; body: AsyncIterable<Buffer | string> | Iterable<Buffer | string>; maxBytes: number } | { kind: 'file'; path: string };

const CHUNK_BYTES = 1024 * 1024;

/**
 * Records an import job and its file: an upload is streamed into 1 MiB chunk rows as it arrives (so the job
 * can be resumed by any server after a crash), a CLI file is referenced by path and hash. The job is
 * `queued`; `runImport` checks and writes it.
 */
export async function startImport(ctx: UseCaseContext, raw: StartImportInput, file: ImportFile): Promise<ImportJobView> {
  assertCan(ctx.actor, 'integration.manage');
  const input = StartImportSchema.parse(raw);
  const now = ctx.clock.now();
  const actor = actorOf(ctx);
  const job = await inTransaction(ctx, async (trx) => {
    const row = await trx
      .insertInto('import_jobs')
      .values({
        record_type: input.type,
        status: file.kind === 'upload' ? 'uploading' : 'queued',
        mode: input.mode,
        dry_run: input.dryRun,
        preset: input.preset ?? null,
        mapping: JSON.stringify(input.mapping ?? {}),
        file_name: file.kind === 'file' ? path.basename(file.path) : input.fileName,
        source: file.kind,
        file_path: file.kind === 'file' ? path.resolve(file.path) : null,
        file_bytes: file.kind === 'file' ? fs.statSync(file.path).size : 0,
        file_sha256: file.kind === 'file' ? await sha256Of({ kind: 'file', path: file.path }) : null,
        lines_total: null,
        failure: null,
        created_by: actor.id,
        created_by_label: actor.label,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(trx, ctx, {
      event: 'import.created',
      entityType: 'import',
      entityId: row.id,
      after: { recordType: row.record_type, mode: row.mode, dryRun: row.dry_run, preset: row.preset, fileName: row.file_name },
    });
    return row;
  });
  if (file.kind === 'file') return importJobView(job);

  const hash = createHash('sha256');
  let bytes = 0;
  let seq = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pendingBytes === 0) return;
    await ctx.db
      .insertInto('import_file_chunks')
      .values({ job_id: job.id, seq: seq++, data: Buffer.concat(pending) })
      .execute();
    pending = [];
    pendingBytes = 0;
  };
  try {
    for await (const part of file.body) {
      const chunk = typeof part === 'string' ? Buffer.from(part) : part;
      bytes += chunk.length;
      if (bytes > file.maxBytes) throw new AppError('payload_too_large', `The file is larger than ${file.maxBytes} bytes.`);
      hash.update(chunk);
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= CHUNK_BYTES) await flush();
    }
    await flush();
  } catch (error) {
    await ctx.db.deleteFrom('import_file_chunks').where('job_id', '=', job.id).execute();
    await ctx.db
      .updateTable('import_jobs')
      .set({
        status: 'failed',
        failure: error instanceof AppError ? error.message : 'the upload was interrupted',
        updated_at: ctx.clock.now(),
        finished_at: ctx.clock.now(),
      })
      .where('id', '=', job.id)
      .execute();
    throw error;
  }
  const queued = await ctx.db
    .updateTable('import_jobs')
    .set({ status: 'queued', file_bytes: bytes, file_sha256: hash.digest('hex'), updated_at: ctx.clock.now() })
    .where('id', '=', job.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return importJobView(queued);
}
