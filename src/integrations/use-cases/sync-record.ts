import { sql } from 'kysely';
import { assertCan } from '../../platform/access/can.js';
import { AppError } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { createAccount } from '../../routing/use-cases/create-account.js';
import { createLead } from '../../routing/use-cases/create-lead.js';
import { updateAccount } from '../../routing/use-cases/update-account.js';
import { updateLead } from '../../routing/use-cases/update-lead.js';
import { type SyncParamsInput, syncDataSchemas } from '../sync/schemas.js';
import { dbWithin } from '../sync/within-transaction.js';

export type SyncResult =
  | { applied: true; created: boolean; recordId: string; version: number }
  | { applied: false; reason: 'stale' | 'duplicate'; recordId: string; version: number };

/**
 * Applies an external system's state of one record through the native create/update use cases (so it
 * routes, audits and emits like a typed change), unless a newer or the same version was applied already.
 * The fields in `data` are set; fields it leaves out keep their value.
 */
export async function syncRecord(ctx: UseCaseContext, params: SyncParamsInput, body: { version: number; data: Record<string, unknown> }): Promise<SyncResult> {
  assertCan(ctx.actor, 'integration.manage');
  const parsed = syncDataSchemas[params.type].safeParse(body.data);
  if (!parsed.success) {
    throw new AppError(
      'validation_failed',
      `data is not a valid ${params.type} record.`,
      parsed.error.issues.map((issue) => ({ path: ['data', ...issue.path.map(String)].join('.'), message: issue.message })),
    );
  }
  return ctx.db.transaction().execute(async (trx) => {
    // One writer per external id at a time, also before its first version created the map row.
    await sql`select pg_advisory_xact_lock(hashtextextended(${`${params.source}/${params.type}/${params.externalId}`}, 0))`.execute(trx);
    const mapped = await trx
      .selectFrom('external_ids')
      .selectAll()
      .where('source', '=', params.source)
      .where('record_type', '=', params.type)
      .where('external_id', '=', params.externalId)
      .executeTakeFirst();
    const now = ctx.clock.now();
    if (mapped) {
      const last = Number(mapped.last_version);
      if (body.version <= last) return { applied: false, reason: body.version === last ? 'duplicate' : 'stale', recordId: mapped.record_id, version: last };
    }
    const inner: UseCaseContext = { ...ctx, db: dbWithin(trx) };
    const reason = `sync from ${params.source} (version ${body.version})`;
    if (!mapped) {
      const created = params.type === 'accounts' ? await createAccount(inner, syncDataSchemas.accounts.parse(parsed.data)) : await createLead(inner, syncDataSchemas.leads.parse(parsed.data));
      await trx
        .insertInto('external_ids')
        .values({ source: params.source, record_type: params.type, external_id: params.externalId, record_id: created.id, last_version: body.version, created_at: now, updated_at: now })
        .execute();
      return { applied: true, created: true, recordId: created.id, version: body.version };
    }
    const current = await trx.selectFrom(params.type).select('version').where('id', '=', mapped.record_id).executeTakeFirstOrThrow();
    if (params.type === 'accounts') {
      await updateAccount(inner, { accountId: mapped.record_id, expectedVersion: current.version, changes: { ...syncDataSchemas.accounts.parse(parsed.data), reason } });
    } else {
      await updateLead(inner, { leadId: mapped.record_id, expectedVersion: current.version, changes: { ...syncDataSchemas.leads.parse(parsed.data), reason } });
    }
    await trx
      .updateTable('external_ids')
      .set({ last_version: body.version, updated_at: now })
      .where('source', '=', params.source)
      .where('record_type', '=', params.type)
      .where('external_id', '=', params.externalId)
      .execute();
    return { applied: true, created: false, recordId: mapped.record_id, version: body.version };
  });
}
