import { assertCan } from '../../platform/access/can.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { closeRoutedRecord } from '../../routing/use-cases/route-or-assign.js';
import { partnerNotice } from '../core/decision-messages.js';
import { assertTransition } from '../registration-review.js';
import type { ReturnRegistrationInput } from '../registration-schemas.js';
import { type RegistrationView, actorKindOf, insertPartnerNotice, lockRegistration, registrationView } from '../registration-store.js';

/** Back to the partner with a question; the review assignment closes until the partner resubmits. */
export async function returnRegistration(
  ctx: UseCaseContext,
  request: { registrationId: string; expectedVersion: number; input: ReturnRegistrationInput },
): Promise<RegistrationView> {
  assertCan(ctx.actor, 'registration.review');
  return inTransaction(ctx, async (trx) => {
    const now = ctx.clock.now();
    const row = await lockRegistration(trx, ctx, request.registrationId);
    assertVersion(row.version, request.expectedVersion);
    assertTransition(row, 'return', actorKindOf(ctx));
    const updated = await trx
      .updateTable('registrations')
      .set({ status: 'returned', info_request: request.input.infoRequest, version: row.version + 1, updated_at: now })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await closeRoutedRecord(trx, ctx, 'registration', row.id, 'returned to the partner for information');
    await insertPartnerNotice(
      trx,
      now,
      row.partner_id,
      row.id,
      partnerNotice({ kind: 'returned', customerName: row.customer_name, infoRequest: request.input.infoRequest }),
    );
    await recordChange(trx, ctx, {
      event: 'registration.returned',
      entityType: 'registration',
      entityId: row.id,
      reason: request.input.infoRequest,
      before: { status: row.status, version: row.version },
      after: { status: 'returned', infoRequest: request.input.infoRequest },
    });
    return registrationView(updated);
  });
}
