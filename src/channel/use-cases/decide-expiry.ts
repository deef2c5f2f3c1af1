import { assertCan } from '../../platform/access/can.js';
import type { Trx } from '../../platform/db/database.js';
import { AppError, invalidField, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, actorOf, inTransaction } from '../../platform/use-case-context.js';
import { closeRoutedRecord } from '../../routing/use-cases/route-or-assign.js';
import { routeRecord } from '../../routing/use-cases/route-record.js';
import { channelPolicy } from '../channel-context.js';
import { partnerNotice } from '../core/decision-messages.js';
import { extendWindow, openWindow } from '../core/exclusivity.js';
import { type ExpiryDecisionView, expiryDecisionView } from '../expiry-decision-view.js';
import { assessConflicts, assertTransition } from '../registration-review.js';
import type { DecideExpiryInput } from '../registration-schemas.js';
import { type RegistrationRow, actorKindOf, insertPartnerNotice, isoDate, windowColumns } from '../registration-store.js';
import { assertNoOtherApproved, isOneApprovedViolation } from './one-approved.js';

/**
 * The channel manager decides what happens to an expired registration: `extended` (back to approved with a
 * fresh window; the cap moves out if needed), `reassigned` (a new approved registration for another partner,
 * after the conflict checks; this one stays expired), or `opened_to_direct` (the account loses this partner
 * as channel owner and goes through the direct account rules).
 */
export async function decideExpiry(
  ctx: UseCaseContext,
  request: { decisionId: string; expectedVersion: number; input: DecideExpiryInput },
): Promise<ExpiryDecisionView> {
  assertCan(ctx.actor, 'expiry.decide');
  const { input } = request;
  try {
    return await inTransaction(ctx, async (trx) => {
      const now = ctx.clock.now();
      const decision = await trx
        .selectFrom('expiry_decisions')
        .selectAll()
        .where('id', '=', request.decisionId)
        .forUpdate()
        .executeTakeFirst();
      if (!decision) throw notFound('expiry decision');
      assertVersion(decision.version, request.expectedVersion);
      if (decision.status !== 'open') throw new AppError('conflict', `This expiry decision was already decided (${decision.decision}).`);
      const reg = await trx
        .selectFrom('registrations')
        .selectAll()
        .where('id', '=', decision.registration_id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (reg.status !== 'expired') throw new AppError('conflict', `The registration is ${reg.status}, not expired.`);
      const policy = await channelPolicy(trx);
      let newRegistrationId: string | null = null;

      if (input.decision === 'extended') {
        assertTransition(reg, 'extend', actorKindOf(ctx));
        await assertNoOtherApproved(trx, { accountId: reg.account_id, productLine: reg.product_line, selfId: reg.id });
        const window = extendWindow({ capAt: reg.exclusivity_cap_at ?? now }, now, policy);
        await trx
          .updateTable('registrations')
          .set({
            status: 'approved',
            ...windowColumns(window),
            closed_at: null,
            expiry_outcome: 'extended',
            version: reg.version + 1,
            updated_at: now,
          })
          .where('id', '=', reg.id)
          .execute();
        await insertPartnerNotice(
          trx,
          now,
          reg.partner_id,
          reg.id,
          partnerNotice({ kind: 'extended', customerName: reg.customer_name, expiresAt: window.expiresAt }),
        );
        await recordChange(trx, ctx, {
          event: 'registration.extended',
          entityType: 'registration',
          entityId: reg.id,
          reason: input.reason,
          before: { status: 'expired', exclusivityCapAt: reg.exclusivity_cap_at?.toISOString() ?? null },
          after: {
            status: 'approved',
            expiresAt: window.expiresAt.toISOString(),
            exclusivityCapAt: window.capAt.toISOString(),
            expiryDecisionId: decision.id,
          },
        });
      } else if (input.decision === 'reassigned') {
        newRegistrationId = await reassign(trx, ctx, reg, input.partnerId, input.reason, policy);
      } else {
        await openToDirect(trx, ctx, reg, input.reason);
      }
      if (input.decision !== 'extended') {
        await trx
          .updateTable('registrations')
          .set({ expiry_outcome: input.decision, version: reg.version + 1, updated_at: now })
          .where('id', '=', reg.id)
          .execute();
      }
      const decided = await trx
        .updateTable('expiry_decisions')
        .set({
          status: 'decided',
          decision: input.decision,
          reassigned_to_partner: input.decision === 'reassigned' ? input.partnerId : null,
          reason: input.reason,
          decided_by: actorOf(ctx).id,
          decided_at: now,
          version: decision.version + 1,
          updated_at: now,
        })
        .where('id', '=', decision.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await closeRoutedRecord(trx, ctx, 'expiry_decision', decision.id, `expiry decided: ${input.decision}`);
      await recordChange(trx, ctx, {
        event: 'expiry_decision.decided',
        entityType: 'expiry_decision',
        entityId: decision.id,
        reason: input.reason,
        before: { status: 'open' },
        after: {
          status: 'decided',
          decision: input.decision,
          registrationId: reg.id,
          reassignedToPartner: decided.reassigned_to_partner,
          newRegistrationId,
        },
      });
      return { ...expiryDecisionView(decided), newRegistrationId };
    });
  } catch (error) {
    if (isOneApprovedViolation(error))
      throw new AppError('conflict', 'Another registration is already approved for this account and product line.');
    throw error;
  }
}

async function reassign(
  trx: Trx,
  ctx: UseCaseContext,
  reg: RegistrationRow,
  partnerId: string,
  reason: string,
  policy: Awaited<ReturnType<typeof channelPolicy>>,
): Promise<string> {
  const now = ctx.clock.now();
  if (partnerId === reg.partner_id) throw invalidField('partnerId', 'must be another partner than the expired registration’s');
  const partner = await trx.selectFrom('partners').select(['id', 'status']).where('id', '=', partnerId).forUpdate().executeTakeFirst();
  if (!partner) throw invalidField('partnerId', 'no such partner');
  if (partner.status !== 'active') throw invalidField('partnerId', `the partner is ${partner.status}`);
  await assertNoOtherApproved(trx, { accountId: reg.account_id, productLine: reg.product_line, selfId: reg.id });
  // The same conflict rules as a submission, for the new partner; the expired partner's own ownership of the
  // account is what is being handed over, so it does not count against the reassignment.
  const owner = await trx.selectFrom('accounts').select('channel_partner_id').where('id', '=', reg.account_id!).executeTakeFirstOrThrow();
  const flags = (
    await assessConflicts(trx, { partnerId, accountId: reg.account_id!, productLine: reg.product_line, selfId: reg.id })
  ).filter((f) => !(f.code === 'other_partner_account' && owner.channel_partner_id === reg.partner_id));
  if (flags.length > 0) {
    throw new AppError(
      'conflict',
      `Cannot reassign: ${flags.map((f) => f.detail).join('; ')}`,
      flags.map((f) => ({ path: 'partnerId', message: f.code })),
    );
  }
  const window = openWindow(now, policy);
  const created = await trx
    .insertInto('registrations')
    .values({
      partner_id: partnerId,
      submitted_by: actorOf(ctx).id,
      account_id: reg.account_id,
      customer_name: reg.customer_name,
      customer_domain: reg.customer_domain,
      customer_country: reg.customer_country,
      customer_region: reg.customer_region,
      customer_postal_code: reg.customer_postal_code,
      customer_phone: reg.customer_phone,
      product_line: reg.product_line,
      amount_minor: reg.amount_minor,
      currency: reg.currency,
      expected_close_date: isoDate(reg.expected_close_date),
      description: reg.description,
      match: reg.match === null ? null : JSON.stringify(reg.match),
      status: 'approved',
      approved_at: now,
      ...windowColumns(window),
      reassigned_from_id: reg.id,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await insertPartnerNotice(
    trx,
    now,
    partnerId,
    created.id,
    partnerNotice({ kind: 'approved', customerName: reg.customer_name, expiresAt: window.expiresAt }),
  );
  await recordChange(trx, ctx, {
    event: 'registration.reassigned',
    entityType: 'registration',
    entityId: reg.id,
    reason,
    after: { toPartnerId: partnerId, newRegistrationId: created.id },
  });
  await recordChange(trx, ctx, {
    event: 'registration.approved',
    entityType: 'registration',
    entityId: created.id,
    reason: `reassigned from expired registration ${reg.id}: ${reason}`,
    after: {
      status: 'approved',
      partnerId,
      reassignedFromId: reg.id,
      expiresAt: window.expiresAt.toISOString(),
      exclusivityCapAt: window.capAt.toISOString(),
    },
  });
  return created.id;
}

async function openToDirect(trx: Trx, ctx: UseCaseContext, reg: RegistrationRow, reason: string): Promise<void> {
  const now = ctx.clock.now();
  if (reg.account_id) {
    const account = await trx
      .selectFrom('accounts')
      .select(['id', 'channel_partner_id', 'version'])
      .where('id', '=', reg.account_id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (account.channel_partner_id === reg.partner_id) {
      await trx
        .updateTable('accounts')
        .set({
          channel_partner_id: null,
          channel_assigned_at: now,
          channel_assigned_by: actorOf(ctx).id,
          version: account.version + 1,
          updated_at: now,
        })
        .where('id', '=', account.id)
        .execute();
      await recordChange(trx, ctx, {
        event: 'account.channel_owner_set',
        entityType: 'account',
        entityId: account.id,
        reason: `expired registration opened to direct: ${reason}`,
        before: { channelPartnerId: reg.partner_id },
        after: { channelPartnerId: null },
      });
    }
  }
  await recordChange(trx, ctx, {
    event: 'registration.opened_to_direct',
    entityType: 'registration',
    entityId: reg.id,
    reason,
    after: { accountId: reg.account_id },
  });
  // The account goes back through the direct account rules (its owner may change, or it lands in Unassigned).
  if (reg.account_id) await routeRecord(trx, ctx, { recordType: 'account', recordId: reg.account_id });
}
