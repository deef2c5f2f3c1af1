import { assertCan } from '../../platform/access/can.js';
import { invalidField, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { closeOwnership } from '../close-ownership.js';
import type { UpdateLeadInput } from '../schemas.js';
import { findAccount, lockLead } from '../store.js';
import { type LeadView, leadView } from '../views.js';

export async function updateLead(ctx: UseCaseContext, options: { leadId: string; expectedVersion: number; changes: UpdateLeadInput }): Promise<LeadView> {
  assertCan(ctx.actor, 'record.write');
  const { reason, ...changes } = options.changes;
  return inTransaction(ctx, async (trx) => {
    const current = await lockLead(trx, options.leadId);
    if (!current) throw notFound('lead');
    assertVersion(current.version, options.expectedVersion);
    if (changes.accountId && !(await findAccount(trx, changes.accountId))) throw invalidField('accountId', 'no such account');
    const row = await trx
      .updateTable('leads')
      .set({
        ...(changes.name !== undefined && { name: changes.name }),
        ...(changes.company !== undefined && { company: changes.company }),
        ...(changes.email !== undefined && { email: changes.email?.toLowerCase() ?? null }),
        ...(changes.domain !== undefined && { domain: changes.domain }),
        ...(changes.region !== undefined && { region: changes.region }),
        ...(changes.country !== undefined && { country: changes.country }),
        ...(changes.product !== undefined && { product: changes.product }),
        ...(changes.productLine !== undefined && { product_line: changes.productLine }),
        ...(changes.amount !== undefined && { amount: changes.amount }),
        ...(changes.currency !== undefined && { currency: changes.currency }),
        ...(changes.source !== undefined && { source: changes.source }),
        ...(changes.accountId !== undefined && { account_id: changes.accountId }),
        ...(changes.attributes !== undefined && { attributes: JSON.stringify(changes.attributes) }),
        ...(changes.status !== undefined && { status: changes.status }),
        version: current.version + 1,
        updated_at: ctx.clock.now(),
      })
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = leadView(row);
    await recordChange(trx, ctx, { event: 'lead.updated', entityType: 'lead', entityId: row.id, reason: reason ?? null, before: leadView(current), after });
    if (current.status === 'open' && row.status !== 'open') await closeOwnership(trx, ctx, 'lead', row.id, `lead ${row.status}`);
    return after;
  });
}
