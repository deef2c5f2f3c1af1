import { assertCan } from '../../../platform/access/can.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { recordChange } from '../../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../../platform/use-case-context.js';
import { type ImportJobView, importJobView } from '../views.js';

/**
 * Checks that a job can be resumed now (stopped or failed, its upload complete, no live runner), queues
 * it again and returns it; the caller then runs it with `runImport`, which continues after the last committed line.
 */
export async function checkResumable(ctx: UseCaseContext, jobId: string): Promise<ImportJobView> {
  assertCan(ctx.actor, 'integration.manage');
  return inTransaction(ctx, async (trx) => {
    // Locked, so two resumes (or a resume and the recovery task) cannot both queue the same job.
    const job = await trx.selectFrom('import_jobs').selectAll().where('id', '=', jobId).forUpdate().executeTakeFirst();
    if (!job) throw notFound('import');
    if (job.status === 'done' || job.status === 'rejected')
      throw new AppError('conflict', `The import is already ${job.status}; nothing to resume.`);
    if (job.file_sha256 === null) throw new AppError('conflict', 'The upload of this import did not complete; upload the file again.');
    if (job.lease_until && job.lease_until > ctx.clock.now())
      throw new AppError('conflict', 'The import is running; its progress is at GET /api/v1/imports/{id}.');
    // Queued again at once, so a client polling after the 202 sees it waiting, not still failed.
    const queued = await trx
      .updateTable('import_jobs')
      .set({ status: job.status === 'failed' ? 'queued' : job.status, failure: null, updated_at: ctx.clock.now() })
      .where('id', '=', jobId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(trx, ctx, {
      event: 'import.resumed',
      entityType: 'import',
      entityId: jobId,
      reason: job.failure,
      before: { status: job.status, checkpointLine: job.checkpoint_line },
      after: { status: queued.status, checkpointLine: queued.checkpoint_line },
    });
    return importJobView(queued);
  });
}
