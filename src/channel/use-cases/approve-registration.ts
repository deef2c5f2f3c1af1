import { assertCan } from '../../platform/access/can.js';
import { assertVersion } from '../../platform/http/etag.js';
import { AppError } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { closeRoutedRecord } from '../../routing/use-cases/route-or-assign.js';
import { channelPolicy } from '../channel-context.js';
import { partnerNotice } from '../core/decision-messages.js';
import { openWindow } from '../core/exclusivity.js';
import type { ConflictFlag } from '../core/conflict-flags.js';
import { assertTransition } from '../registration-review.js';
import type { ApproveRegistrationInput } from '../registration-schemas.js';
import {
  type RegistrationView,
  actorKindOf,
  insertPartnerNotice,
  lockRegistration,
  registrationView,
  windowColumns,
} from '../registration-store.js';
import { assertNoOtherApproved, isOneApprovedViolation } from './one-approved.js';

/**
 * The channel manager approves: exclusivity starts (inactivity window, hard cap, warning date). A flagged
 * registration needs an explicit override with a reason; one approved registration per account and product
 * line, checked under the account's lock (and by a unique index as the last wall) — the loser gets 409.
 */
export async function approveRegistration(
  ctx: UseCaseContext,
  request: { registrationId: string; expectedVersion: number; input: ApproveRegistrationInput },
): Promise<RegistrationView> {
  assertCan(ctx.actor, 'registration.review');
  const { input } = request;
  try {
    return await inTransaction(ctx, async (trx) => {
      const now = ctx.clock.now();
      const row = await lockRegistration(trx, ctx, request.registrationId);
      assertVersion(row.version, request.expectedVersion);
      assertTransition(row, 'approve', actorKindOf(ctx));
      const flags = row.flags as ConflictFlag[];
      if (flags.length > 0) {
        if (input.overrideFlags !== true) {
          throw new AppError(
            'rule_violation',
            `This registration is flagged (${flags.map((f) => f.code).join(', ')}); approving it needs overrideFlags: true and a reason.`,
            [{ path: 'overrideFlags', message: 'required for a flagged registration' }],
          );
        }
        if (!input.reason)
          throw new AppError('validation_failed', 'reason: required when overriding flags', [
            { path: 'reason', message: 'required when overriding flags' },
          ]);
      }
      await assertNoOtherApproved(trx, { accountId: row.account_id, productLine: row.product_line, selfId: row.id });
      const policy = await channelPolicy(trx);
      const window = openWindow(now, policy);
      const updated = await trx
        .updateTable('registrations')
        .set({
          status: 'approved',
          approved_at: now,
          ...windowColumns(window),
          decision_code: null,
          decision_reason: null,
          info_request: null,
          ...(input.internalNote !== undefined && { internal_notes: input.internalNote }),
          version: row.version + 1,
          updated_at: now,
        })
        .where('id', '=', row.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await closeRoutedRecord(trx, ctx, 'registration', row.id, 'registration approved');
      await insertPartnerNotice(
        trx,
        now,
        row.partner_id,
        row.id,
        partnerNotice({ kind: 'approved', customerName: row.customer_name, expiresAt: window.expiresAt }),
      );
      const view = registrationView(updated);
      await recordChange(trx, ctx, {
        event: 'registration.approved',
        entityType: 'registration',
        entityId: row.id,
        reason: input.reason ?? null,
        before: { status: row.status, version: row.version },
        after: {
          status: 'approved',
          approvedAt: view.approvedAt,
          expiresAt: view.expiresAt,
          exclusivityCapAt: view.exclusivityCapAt,
          warnAt: view.warnAt,
          overrideFlags: flags.length > 0 ? flags.map((f) => f.code) : null,
        },
      });
      return view;
    });
  } catch (error) {
    if (isOneApprovedViolation(error))
      throw new AppError('conflict', 'Another registration is already approved for this account and product line.');
    throw error;
  }
}
