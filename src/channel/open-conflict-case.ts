import type { ConflictKind, Trx } from '../platform/db/database.js';
import { recordChange } from '../platform/record-change.js';
import type { UseCaseContext } from '../platform/use-case-context.js';
import { routeOrAssign } from '../routing/use-cases/route-or-assign.js';
import { channelManagerOf, channelPolicy } from './channel-context.js';

export type ConflictInput = {
  accountId: string;
  kind: ConflictKind;
  partnerId: string | null;
  registrationId: string | null;
  /** The act that raised it (an opportunity, an activity, a registration); one case per act and account. */
  sourceType: string;
  sourceId: string;
  detail: string;
};

/**
 * Opens a conflict case in the caller's transaction and routes it: the `conflict_case` rule set when one is
 * published, otherwise the partner's channel manager, with the policy's SLA. The same act on the same
 * account never opens a second case (returns null then).
 */
export async function openConflictCase(trx: Trx, ctx: UseCaseContext, input: ConflictInput): Promise<{ id: string } | null> {
  const now = ctx.clock.now();
  const policy = await channelPolicy(trx);
  const row = await trx
    .insertInto('conflict_cases')
    .values({
      account_id: input.accountId,
      kind: input.kind,
      partner_id: input.partnerId,
      registration_id: input.registrationId,
      source_type: input.sourceType,
      source_id: input.sourceId,
      detail: input.detail,
      due_at: new Date(now.getTime() + policy.conflictSlaHours * 3_600_000),
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['account_id', 'source_type', 'source_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) return null;
  await recordChange(trx, ctx, {
    event: 'conflict.opened',
    entityType: 'conflict_case',
    entityId: row.id,
    reason: input.detail,
    after: {
      accountId: row.account_id,
      kind: row.kind,
      partnerId: row.partner_id,
      registrationId: row.registration_id,
      sourceType: row.source_type,
      sourceId: row.source_id,
    },
  });
  const account = await trx.selectFrom('accounts').select(['name', 'region']).where('id', '=', input.accountId).executeTakeFirstOrThrow();
  const placement = await routeOrAssign(trx, ctx, {
    recordType: 'conflict_case',
    recordId: row.id,
    title: `Channel conflict on ${account.name}`,
    facts: { id: row.id, kind: row.kind, partnerId: row.partner_id, region: account.region },
    fallback: {
      ownerId: await channelManagerOf(trx, input.partnerId),
      reasonCode: 'channel_manager',
      reason: 'channel conflict: the partner’s channel manager decides',
      slaHours: policy.conflictSlaHours,
    },
  });
  // The routed due date (business time of the owner) is the case's due date.
  if (placement.dueAt) await trx.updateTable('conflict_cases').set({ due_at: placement.dueAt }).where('id', '=', row.id).execute();
  return { id: row.id };
}
