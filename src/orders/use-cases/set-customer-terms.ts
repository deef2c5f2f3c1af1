import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { CustomerTermsInput } from '../schemas.js';

export type CustomerTermsView = { accountId: string; tier: string; creditLimitMinor: number; paymentTerms: 'prepaid' | 'net30' | 'net60' };

export async function setCustomerTerms(ctx: UseCaseContext, accountId: string, input: CustomerTermsInput): Promise<CustomerTermsView> {
  assertCan(ctx.actor, 'order.configure');
  return inTransaction(ctx, async (trx) => {
    if (!(await trx.selectFrom('accounts').select('id').where('id', '=', accountId).executeTakeFirst())) throw notFound('account');
    const before = await trx.selectFrom('customer_terms').selectAll().where('account_id', '=', accountId).forUpdate().executeTakeFirst();
    const values = { tier: input.tier, credit_limit_minor: input.creditLimitMinor, payment_terms: input.paymentTerms, updated_at: ctx.clock.now() };
    await trx.insertInto('customer_terms').values({ account_id: accountId, ...values }).onConflict((oc) => oc.column('account_id').doUpdateSet(values)).execute();
    const view: CustomerTermsView = { accountId, tier: input.tier, creditLimitMinor: input.creditLimitMinor, paymentTerms: input.paymentTerms };
    await recordChange(trx, ctx, {
      event: 'customer_terms.set',
      entityType: 'account',
      entityId: accountId,
      before: before ? { tier: before.tier, creditLimitMinor: Number(before.credit_limit_minor), paymentTerms: before.payment_terms } : null,
      after: view,
    });
    return view;
  });
}
