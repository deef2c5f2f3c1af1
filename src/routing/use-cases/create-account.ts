import { assertCan } from '../../platform/access/can.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { CreateAccountInput } from '../schemas.js';
import { accountRow } from '../record-rows.js';
import { findAccount } from '../store.js';
import { type AccountView, accountView } from '../views.js';
import { type RoutingDecision, routeRecord } from './route-record.js';

export async function createAccount(
  ctx: UseCaseContext,
  input: CreateAccountInput,
): Promise<AccountView & { assignment: RoutingDecision }> {
  assertCan(ctx.actor, 'record.write');
  return inTransaction(ctx, async (trx) => {
    const now = ctx.clock.now();
    const row = await trx.insertInto('accounts').values(accountRow(input, now)).returningAll().executeTakeFirstOrThrow();
    await recordChange(trx, ctx, { event: 'account.created', entityType: 'account', entityId: row.id, after: accountView(row) });
    const assignment = await routeRecord(trx, ctx, { recordType: 'account', recordId: row.id });
    return { ...accountView((await findAccount(trx, row.id))!), assignment };
  });
}
