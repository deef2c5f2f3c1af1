import { dbWithin } from '../../integrations/sync/within-transaction.js';
import { assertCan } from '../../platform/access/can.js';
import { invalidField } from '../../platform/errors.js';
import { recordChanges } from '../../platform/record-change.js';
import { type UseCaseContext, actorOf, inTransaction } from '../../platform/use-case-context.js';
import { accountRow, leadDomain, leadRow, opportunityRow } from '../record-rows.js';
import type { CreateAccountInput, CreateLeadInput, CreateOpportunityInput } from '../schemas.js';
import { accountView, leadView, opportunityView } from '../views.js';
import { type BatchResult, routeRecordsBatch } from './route-records-batch.js';

export type BatchCreate =
  | { recordType: 'account'; inputs: CreateAccountInput[] }
  | { recordType: 'lead'; inputs: CreateLeadInput[] }
  | { recordType: 'opportunity'; inputs: CreateOpportunityInput[] };

const CHUNK = 1_000;

/**
 * Many records of one type created the way `createAccount` / `createLead` / `createOpportunity` create one
 * (the same rows, the same `*.created` audit and outbox event each), then routed set-wise by
 * `routeRecordsBatch` (new opportunities with `previous: { stage: null }`, as createOpportunity routes them,
 * so `changedTo` conditions see the stage they were created in) — all in one transaction, so no record is ever visible without its first decision.
 * Returns the new ids in input order.
 */
export async function createRecordsBatch(ctx: UseCaseContext, batch: BatchCreate): Promise<{ ids: string[]; routing: BatchResult }> {
  assertCan(ctx.actor, 'record.write');
  assertCan(ctx.actor, 'routing.route');
  return inTransaction(ctx, async (trx) => {
    const now = ctx.clock.now();
    const ids: string[] = [];
    for (let i = 0; i < batch.inputs.length; i += CHUNK) {
      if (batch.recordType === 'account') {
        const rows = await trx
          .insertInto('accounts')
          .values(batch.inputs.slice(i, i + CHUNK).map((input) => accountRow(input, now)))
          .returningAll()
          .execute();
        await recordChanges(
          trx,
          ctx,
          rows.map((row) => ({ event: 'account.created', entityType: 'account', entityId: row.id, after: accountView(row) })),
        );
        ids.push(...rows.map((r) => r.id));
      } else if (batch.recordType === 'lead') {
        const chunk = batch.inputs.slice(i, i + CHUNK);
        const given = [...new Set(chunk.map((l) => l.accountId).filter((id): id is string => !!id))];
        const known = given.length
          ? new Set((await trx.selectFrom('accounts').select('id').where('id', 'in', given).execute()).map((a) => a.id))
          : new Set<string>();
        chunk.forEach((l, k) => {
          if (l.accountId && !known.has(l.accountId)) throw invalidField(`${i + k}.accountId`, 'no such account');
        });
        const domains = [
          ...new Set(
            chunk
              .filter((l) => !l.accountId)
              .map(leadDomain)
              .filter((d): d is string => !!d),
          ),
        ];
        const byDomain = new Map<string, string>();
        if (domains.length) {
          // By exact domain only, the oldest active account winning (newest first, so later sets overwrite);
          // single creates also try name matching — see the note on issue 6.
          const found = await trx
            .selectFrom('accounts')
            .select(['id', 'domain'])
            .where('domain', 'in', domains)
            .where('status', '=', 'active')
            .orderBy('created_at', 'desc')
            .execute();
          for (const a of found) byDomain.set(a.domain!, a.id);
        }
        const rows = await trx
          .insertInto('leads')
          .values(chunk.map((l) => leadRow(l, l.accountId ?? byDomain.get(leadDomain(l) ?? '') ?? null, now)))
          .returningAll()
          .execute();
        await recordChanges(
          trx,
          ctx,
          rows.map((row) => ({ event: 'lead.created', entityType: 'lead', entityId: row.id, after: leadView(row) })),
        );
        ids.push(...rows.map((r) => r.id));
      } else {
        const chunk = batch.inputs.slice(i, i + CHUNK);
        const given = [...new Set(chunk.map((o) => o.accountId).filter((id): id is string => !!id))];
        const regions = new Map<string, string | null>();
        if (given.length)
          for (const a of await trx.selectFrom('accounts').select(['id', 'region']).where('id', 'in', given).execute())
            regions.set(a.id, a.region);
        chunk.forEach((o, k) => {
          if (o.accountId && !regions.has(o.accountId)) throw invalidField(`${i + k}.accountId`, 'no such account');
        });
        const rows = await trx
          .insertInto('opportunities')
          .values(chunk.map((o) => opportunityRow(o, o.accountId ? (regions.get(o.accountId) ?? null) : null, now)))
          .returningAll()
          .execute();
        const actor = actorOf(ctx);
        await trx
          .insertInto('stage_history')
          .values(
            rows.map((row) => ({ opportunity_id: row.id, from_stage: null, to_stage: row.stage, changed_at: now, actor_id: actor.id })),
          )
          .execute();
        await recordChanges(
          trx,
          ctx,
          rows.map((row) => ({ event: 'opportunity.created', entityType: 'opportunity', entityId: row.id, after: opportunityView(row) })),
        );
        ids.push(...rows.map((r) => r.id));
      }
    }
    const routing = ids.length
      ? await routeRecordsBatch(
          { ...ctx, db: dbWithin(trx), idempotency: undefined },
          { recordType: batch.recordType, recordIds: ids, ...(batch.recordType === 'opportunity' && { previous: { stage: null } }) },
        )
      : { routed: 0, assigned: 0, unassigned: 0, missing: 0, byOwner: {} };
    return { ids, routing };
  });
}
