import type { Trx } from '../platform/db/database.js';
import { AppError, type FieldError } from '../platform/errors.js';
import { recordChange } from '../platform/record-change.js';
import type { UseCaseContext } from '../platform/use-case-context.js';
import { routeOrAssign } from '../routing/use-cases/route-or-assign.js';
import { type ChannelPolicy, channelManagerOf } from './channel-context.js';
import { type ConflictFlag, conflictFlags, conflictKindOf } from './core/conflict-flags.js';
import { type ActorKind, type RegistrationAction, CONFLICTING_STATUSES, transition } from './core/registration-lifecycle.js';
import { openConflictCase } from './open-conflict-case.js';
import { type RegistrationRow, registrationFacts } from './registration-store.js';

/** The lifecycle table as errors: a partner asking for an internal action is forbidden; a wrong status conflicts. */
export function assertTransition(row: RegistrationRow, action: RegistrationAction, actor: ActorKind) {
  const verdict = transition(row.status, action, actor);
  if (verdict.ok) return verdict.to;
  if (verdict.why === 'actor') throw new AppError('forbidden', verdict.message);
  throw new AppError('conflict', verdict.message, [{ path: 'status', message: row.status }]);
}

/**
 * The partner-writable fields that need the database or the policy to check: the product line exists, the
 * amount is within the programme maximum, the close date is not in the past, and the customer is identifiable
 * (a name plus a domain, country, postal code or phone). Every problem is reported at once, by field.
 */
export async function validateRegistrationFields(
  trx: Trx,
  input: {
    productLine?: string | undefined;
    amountMinor?: number | undefined;
    expectedCloseDate?: string | undefined;
    customerName?: string | undefined;
    customerDomain?: string | null | undefined;
    customerCountry?: string | null | undefined;
    customerPostalCode?: string | null | undefined;
    customerPhone?: string | null | undefined;
  },
  policy: ChannelPolicy,
  today: string,
): Promise<void> {
  const errors: FieldError[] = [];
  if (input.productLine !== undefined) {
    const line = await trx.selectFrom('product_lines').select('code').where('code', '=', input.productLine).executeTakeFirst();
    if (!line) errors.push({ path: 'productLine', message: 'no such product line' });
  }
  if (input.amountMinor !== undefined) {
    if (!(input.amountMinor > 0)) errors.push({ path: 'amountMinor', message: 'must be greater than 0' });
    else if (input.amountMinor > policy.maxAmountMinor)
      errors.push({ path: 'amountMinor', message: `must be at most ${policy.maxAmountMinor}` });
  }
  if (input.expectedCloseDate !== undefined && input.expectedCloseDate < today)
    errors.push({ path: 'expectedCloseDate', message: 'must not be in the past' });
  if (input.customerName !== undefined) {
    const identity = [input.customerDomain, input.customerCountry, input.customerPostalCode, input.customerPhone].some(
      (v) => typeof v === 'string' && v.trim() !== '',
    );
    if (!identity)
      errors.push({
        path: 'customerDomain',
        message: 'identify the customer with at least one of customerDomain, customerCountry, customerPostalCode, customerPhone',
      });
  }
  if (errors.length > 0) throw new AppError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
}

/** Conflict flags for `partnerId` registering on the account and product line (excluding `selfId`). */
export async function assessConflicts(
  trx: Trx,
  input: { partnerId: string; accountId: string; productLine: string; selfId: string },
): Promise<ConflictFlag[]> {
  const account = await trx
    .selectFrom('accounts')
    .select(['id', 'name', 'direct_only', 'channel_partner_id'])
    .where('id', '=', input.accountId)
    .executeTakeFirstOrThrow();
  const registrations = await trx
    .selectFrom('registrations')
    .select(['id', 'partner_id', 'status'])
    .where('account_id', '=', input.accountId)
    .where('product_line', '=', input.productLine)
    .where('status', 'in', [...CONFLICTING_STATUSES])
    .where('id', '!=', input.selfId)
    .orderBy('created_at')
    .execute();
  const opportunities = await trx
    .selectFrom('opportunities')
    .select(['id', 'partner_id', 'status'])
    .where('account_id', '=', input.accountId)
    .where('status', '=', 'open')
    .orderBy('created_at')
    .execute();
  return conflictFlags({
    partnerId: input.partnerId,
    account: { id: account.id, name: account.name, directOnly: account.direct_only, channelPartnerId: account.channel_partner_id },
    registrations: registrations.map((r) => ({ id: r.id, partnerId: r.partner_id, status: r.status })),
    opportunities: opportunities.map((o) => ({ id: o.id, partnerId: o.partner_id, status: o.status })),
  });
}

/**
 * Puts a (re)submitted registration under review: a flagged one opens a conflict case, and the review is
 * routed — the registration rule set when published, otherwise the partner's channel manager with the
 * policy's review SLA. Runs with the app role (routing, audit and cases live outside the partner wall).
 */
export async function startReview(
  trx: Trx,
  ctx: UseCaseContext,
  row: RegistrationRow,
  flags: ConflictFlag[],
  policy: ChannelPolicy,
): Promise<void> {
  const kind = conflictKindOf(flags);
  if (kind && row.account_id) {
    await openConflictCase(trx, ctx, {
      accountId: row.account_id,
      kind,
      partnerId: row.partner_id,
      registrationId: row.id,
      sourceType: 'registration',
      sourceId: row.id,
      detail: flags.map((f) => `${f.code}: ${f.detail}`).join('; '),
    });
  }
  const title = `Registration: ${row.customer_name} (${row.product_line})`;
  const placement = await routeOrAssign(trx, ctx, {
    recordType: 'registration',
    recordId: row.id,
    title,
    facts: await registrationFacts(trx, row, flags.length > 0),
    fallback: {
      ownerId: await channelManagerOf(trx, row.partner_id),
      reasonCode: 'channel_manager',
      reason: 'registration review: the partner’s channel manager decides',
      slaHours: policy.reviewSlaHours,
    },
  });
  await recordChange(trx, ctx, {
    event: 'registration.review_started',
    entityType: 'registration',
    entityId: row.id,
    reason: placement.reason,
    after: {
      status: 'under_review',
      ownerId: placement.ownerId,
      dueAt: placement.dueAt?.toISOString() ?? null,
      flagged: flags.length > 0,
      flags: flags.map((f) => f.code),
    },
  });
}
