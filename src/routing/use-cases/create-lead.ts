import { assertCan } from '../../platform/access/can.js';
import { invalidField } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { CreateLeadInput } from '../schemas.js';
import { leadDomain, leadRow } from '../record-rows.js';
import { findAccount, findAccountByDomain, findLead } from '../store.js';
import { type LeadView, leadView } from '../views.js';
import { type RoutingDecision, routeRecord } from './route-record.js';

/** A new lead is routed in the same transaction: it is never visible without its first routing decision. */
export async function createLead(ctx: UseCaseContext, input: CreateLeadInput): Promise<LeadView & { assignment: RoutingDecision }> {
  assertCan(ctx.actor, 'record.write');
  return inTransaction(ctx, async (trx) => {
    if (input.accountId && !(await findAccount(trx, input.accountId))) throw invalidField('accountId', 'no such account');
    const domain = leadDomain(input);
    const accountId = input.accountId ?? (domain ? ((await findAccountByDomain(trx, domain))?.id ?? null) : null);
    const now = ctx.clock.now();
    const row = await trx
      .insertInto('leads')
      .values(leadRow(input, accountId, now))
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(trx, ctx, { event: 'lead.created', entityType: 'lead', entityId: row.id, after: leadView(row) });
    const assignment = await routeRecord(trx, ctx, { recordType: 'lead', recordId: row.id });
    return { ...leadView((await findLead(trx, row.id))!), assignment };
  });
}
