import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { sealSoon } from '../../platform/audit/seal-audit.js';
import type { z } from 'zod';
import { assertCan } from '../../platform/access/can.js';
import { canonicalJson } from '../../platform/canonical-json.js';
import type { Trx } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { type SyncParamsInput, type SyncType, syncDataSchemas } from '../sync/schemas.js';
import { type ExternalRefs, syncHandlers } from '../sync/handlers.js';
import { dbWithin } from '../sync/within-transaction.js';

export type SyncResult =
  | { applied: true; created: boolean; recordId: string; version: number; warning?: string }
  | { applied: false; reason: 'stale' | 'duplicate' | 'unchanged'; recordId: string; version: number };

/** Validates `data` against the type's schema; errors name `data.<field>`. */
export function parseSyncData<S extends z.ZodType>(schema: S, data: unknown, type: string): z.output<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new AppError(
    'validation_failed',
    `data is not a valid ${type} record.`,
    parsed.error.issues.map((issue) => ({ path: ['data', ...issue.path.map(String)].join('.'), message: issue.message })),
  );
}

/** Field errors raised by a native use case name its input fields; in a sync request they live under `data`. */
function underData(error: unknown): unknown {
  if (!(error instanceof AppError) || !error.errors) return error;
  const errors = error.errors.map((e) => (e.path.startsWith('data.') || e.path === 'data' ? e : { ...e, path: `data.${e.path}` }));
  const moved = new AppError(error.code, error.message, errors);
  return moved;
}

const dataHash = (data: unknown) => createHash('sha256').update(canonicalJson(data)).digest('hex');

function refsWithin(trx: Trx, source: string): ExternalRefs {
  return {
    async resolve(type: SyncType, externalId: string, path: string): Promise<string> {
      const row = await trx
        .selectFrom('external_ids')
        .select('record_id')
        .where('source', '=', source)
        .where('record_type', '=', type)
        .where('external_id', '=', externalId)
        .executeTakeFirst();
      if (!row)
        throw new AppError('validation_failed', `${path}: no ${type} record synced from ${source} has external id ${externalId}`, [
          { path, message: `no ${type} record synced from ${source} with this external id` },
        ]);
      return row.record_id;
    },
  };
}

/**
 * Applies an external system's state of one record through the native use cases (so it routes, audits and
 * emits like a typed change), unless a newer or the same version was applied already. The external-id map
 * row is written in the same transaction as the effect, so a crash can never apply a version twice.
 * For accounts, leads, opportunities and items the fields in `data` are set and fields it leaves out keep
 * their value; customers set the account's terms; every newer stock-count version records a new count;
 * an order is created once and a newer version must carry the same content.
 */
export async function syncRecord(
  ctx: UseCaseContext,
  params: SyncParamsInput,
  body: { version: number; data: Record<string, unknown> },
): Promise<SyncResult> {
  assertCan(ctx.actor, 'integration.manage');
  const data = parseSyncData(syncDataSchemas[params.type], body.data, params.type);
  const hash = dataHash(body.data);
  const synced = await ctx.db.transaction().execute(async (trx): Promise<SyncResult> => {
    // One writer per external id at a time, also before its first version created the map row.
    await sql`select pg_advisory_xact_lock(hashtextextended(${`${params.source}/${params.type}/${params.externalId}`}, 0))`.execute(trx);
    const where = { source: params.source, record_type: params.type, external_id: params.externalId };
    const mapped = await trx
      .selectFrom('external_ids')
      .selectAll()
      .where('source', '=', where.source)
      .where('record_type', '=', where.record_type)
      .where('external_id', '=', where.external_id)
      .executeTakeFirst();
    const now = ctx.clock.now();
    if (mapped) {
      const last = Number(mapped.last_version);
      if (body.version <= last)
        return { applied: false, reason: body.version === last ? 'duplicate' : 'stale', recordId: mapped.record_id, version: last };
    }
    // The native use cases join this transaction; an Idempotency-Key of the outer request is not theirs to mark.
    const inner: UseCaseContext = { ...ctx, db: dbWithin(trx), idempotency: undefined };
    const handler = syncHandlers[params.type];
    const job = {
      ctx: inner,
      trx,
      data: data as never,
      raw: body.data,
      refs: refsWithin(trx, params.source),
      reason: `sync from ${params.source} (version ${body.version})`,
    };
    try {
      if (!mapped) {
        const created = await handler.create(job);
        await trx
          .insertInto('external_ids')
          .values({ ...where, record_id: created.recordId, last_version: body.version, data_hash: hash, created_at: now, updated_at: now })
          .execute();
        return {
          applied: true,
          created: true,
          recordId: created.recordId,
          version: body.version,
          ...(created.warning && { warning: created.warning }),
        };
      }
      const updated = await handler.update({ ...job, recordId: mapped.record_id, sameContent: mapped.data_hash === hash });
      await trx
        .updateTable('external_ids')
        .set({ record_id: updated.recordId, last_version: body.version, updated_at: now, ...(updated.changed && { data_hash: hash }) })
        .where('source', '=', where.source)
        .where('record_type', '=', where.record_type)
        .where('external_id', '=', where.external_id)
        .execute();
      if (!updated.changed) return { applied: false, reason: 'unchanged', recordId: updated.recordId, version: body.version };
      return {
        applied: true,
        created: false,
        recordId: updated.recordId,
        version: body.version,
        ...(updated.warning && { warning: updated.warning }),
      };
    } catch (error) {
      throw underData(error);
    }
  });
  // The native use case ran inside this transaction, so its audit rows are sealed now that it has committed.
  if (synced.applied) sealSoon(ctx.db);
  return synced;
}
