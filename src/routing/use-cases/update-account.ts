import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { UpdateAccountInput } from '../schemas.js';
import { lockAccount } from '../store.js';
import { type AccountView, accountView } from '../views.js';

export async function updateAccount(ctx: UseCaseContext, options: { accountId: string; expectedVersion: number; changes: UpdateAccountInput }): Promise<AccountView> {
  assertCan(ctx.actor, 'record.write');
  const { reason, ...changes } = options.changes;
  return inTransaction(ctx, async (trx) => {
    const current = await lockAccount(trx, options.accountId);
    if (!current) throw notFound('account');
    assertVersion(current.version, options.expectedVersion);
    const row = await trx
      .updateTable('accounts')
      .set({
        ...(changes.name !== undefined && { name: changes.name }),
        ...(changes.domain !== undefined && { domain: changes.domain }),
        ...(changes.region !== undefined && { region: changes.region }),
        ...(changes.country !== undefined && { country: changes.country }),
        ...(changes.segment !== undefined && { segment: changes.segment }),
        ...(changes.tier !== undefined && { tier: changes.tier }),
        ...(changes.industry !== undefined && { industry: changes.industry }),
        ...(changes.employees !== undefined && { employees: changes.employees }),
        ...(changes.annualRevenue !== undefined && { annual_revenue: changes.annualRevenue }),
        ...(changes.directOnly !== undefined && { direct_only: changes.directOnly }),
        ...(changes.attributes !== undefined && { attributes: JSON.stringify(changes.attributes) }),
        version: current.version + 1,
        updated_at: ctx.clock.now(),
      })
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = accountView(row);
    await recordChange(trx, ctx, { event: 'account.updated', entityType: 'account', entityId: row.id, reason: reason ?? null, before: accountView(current), after });
    return after;
  });
}
