import { assertCan } from '../../platform/access/can.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { closeRoutedRecord } from '../../routing/use-cases/route-or-assign.js';
import { partnerDecisionReason, partnerNotice } from '../core/decision-messages.js';
import { assertTransition } from '../registration-review.js';
import type { RejectRegistrationInput } from '../registration-schemas.js';
import { type RegistrationView, actorKindOf, insertPartnerNotice, lockRegistration, registrationView } from '../registration-store.js';

/**
 * Rejection records an internal decision code and note; the partner sees only the sentence generated from the
 * code — every conflict reason is `not_available`, so the answer is the same whatever stood in the way.
 */
export async function rejectRegistration(
  ctx: UseCaseContext,
  request: { registrationId: string; expectedVersion: number; input: RejectRegistrationInput },
): Promise<RegistrationView> {
  assertCan(ctx.actor, 'registration.review');
  const { input } = request;
  return inTransaction(ctx, async (trx) => {
    const now = ctx.clock.now();
    const row = await lockRegistration(trx, ctx, request.registrationId);
    assertVersion(row.version, request.expectedVersion);
    assertTransition(row, 'reject', actorKindOf(ctx));
    const updated = await trx
      .updateTable('registrations')
      .set({
        status: 'rejected',
        decision_code: input.decisionCode,
        decision_reason: partnerDecisionReason(input.decisionCode),
        internal_notes: input.internalNote,
        closed_at: now,
        version: row.version + 1,
        updated_at: now,
      })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await closeRoutedRecord(trx, ctx, 'registration', row.id, 'registration rejected');
    await insertPartnerNotice(
      trx,
      now,
      row.partner_id,
      row.id,
      partnerNotice({ kind: 'rejected', customerName: row.customer_name, code: input.decisionCode }),
    );
    await recordChange(trx, ctx, {
      event: 'registration.rejected',
      entityType: 'registration',
      entityId: row.id,
      reason: input.internalNote,
      before: { status: row.status, version: row.version },
      after: { status: 'rejected', decisionCode: input.decisionCode, decisionReason: updated.decision_reason },
    });
    return registrationView(updated);
  });
}
