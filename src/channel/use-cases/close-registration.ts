import { assertCan } from '../../platform/access/can.js';
import type { Trx } from '../../platform/db/database.js';
import { asPartner } from '../../platform/db/partner-scope.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { closeRoutedRecord } from '../../routing/use-cases/route-or-assign.js';
import { assertTransition } from '../registration-review.js';
import type { CloseRegistrationInput } from '../registration-schemas.js';
import { type RegistrationView, actorKindOf, lockRegistration, registrationView } from '../registration-store.js';

const ACTION = { won: 'win', lost: 'lose', withdrawn: 'withdraw' } as const;

/** Won or lost (the channel team records the outcome), or withdrawn (by the partner or the channel team). */
export async function closeRegistration(
  ctx: UseCaseContext,
  request: { registrationId: string; expectedVersion: number; input: CloseRegistrationInput },
): Promise<RegistrationView> {
  const kind = actorKindOf(ctx);
  const { outcome } = request.input;
  assertCan(ctx.actor, kind === 'partner' ? 'portal.registration.write' : 'registration.close');
  return inTransaction(ctx, async (trx) => {
    const now = ctx.clock.now();
    const row = await lockRegistration(trx, ctx, request.registrationId);
    assertVersion(row.version, request.expectedVersion);
    const to = assertTransition(row, ACTION[outcome], kind);
    const write = (t: Trx) =>
      t
        .updateTable('registrations')
        .set({ status: to, version: row.version + 1, updated_at: now })
        .where('id', '=', row.id)
        .execute();
    if (kind === 'partner') await asPartner(trx, row.partner_id, write);
    else await write(trx);
    const updated = await trx
      .updateTable('registrations')
      .set({ closed_at: now })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await closeRoutedRecord(trx, ctx, 'registration', row.id, `registration ${outcome}`);
    await recordChange(trx, ctx, {
      event: `registration.${outcome}`,
      entityType: 'registration',
      entityId: row.id,
      reason: request.input.reason ?? null,
      before: { status: row.status, version: row.version },
      after: { status: to, closedAt: now.toISOString() },
    });
    return registrationView(updated);
  });
}
