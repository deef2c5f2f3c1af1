import { assertCan } from '../../platform/access/can.js';
import type { Trx } from '../../platform/db/database.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { CreateAccountInput } from '../schemas.js';
import { findAccount } from '../store.js';
import { type AccountView, accountView } from '../views.js';
import { type RoutingDecision, routeRecord } from './route-record.js';

export async function createAccount(ctx: UseCaseContext, input: CreateAccountInput): Promise<AccountView & { assignment: RoutingDecision }> {
  assertCan(ctx.actor, 'record.write');
  return inTransaction(ctx, (trx) => insertAccount(trx, ctx, input));
}

/** What other features may add when they create an account for a customer they met (e.g. a partner's registration). */
export type NewAccount = CreateAccountInput & { postalCode?: string | null; phone?: string | null; needsReview?: boolean };

/**
 * Creates and routes an account in the caller's transaction, audited like one created through the API. The
 * caller has checked permissions (matching creates accounts on behalf of registrations and leads).
 */
export async function insertAccount(trx: Trx, ctx: UseCaseContext, input: NewAccount): Promise<AccountView & { assignment: RoutingDecision }> {
  const now = ctx.clock.now();
  const row = await trx
    .insertInto('accounts')
    .values({
      name: input.name,
      domain: input.domain ?? null,
      region: input.region ?? null,
      country: input.country ?? null,
      segment: input.segment ?? null,
      tier: input.tier ?? null,
      industry: input.industry ?? null,
      employees: input.employees ?? null,
      annual_revenue: input.annualRevenue ?? null,
      direct_only: input.directOnly ?? false,
      postal_code: input.postalCode ?? null,
      phone: input.phone ?? null,
      needs_review: input.needsReview ?? false,
      attributes: JSON.stringify(input.attributes ?? {}),
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordChange(trx, ctx, { event: 'account.created', entityType: 'account', entityId: row.id, after: accountView(row) });
  const assignment = await routeRecord(trx, ctx, { recordType: 'account', recordId: row.id });
  return { ...accountView((await findAccount(trx, row.id))!), assignment };
}
