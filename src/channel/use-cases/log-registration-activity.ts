import { assertCan } from '../../platform/access/can.js';
import type { Trx } from '../../platform/db/database.js';
import { asPartner } from '../../platform/db/partner-scope.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, actorOf, inTransaction } from '../../platform/use-case-context.js';
import { channelPolicy } from '../channel-context.js';
import { renewWindow } from '../core/exclusivity.js';
import { assertTransition } from '../registration-review.js';
import type { RegistrationActivityInput } from '../registration-schemas.js';
import { type RegistrationView, actorKindOf, lockRegistration, registrationView, windowColumns, windowOf } from '../registration-store.js';

export type RegistrationActivityView = {
  id: string;
  registrationId: string;
  kind: string;
  subject: string;
  notes: string | null;
  actorId: string | null;
  partnerId: string | null;
  occurredAt: string;
  registration: RegistrationView;
};

/**
 * Work logged on a registration, by the partner (its activity carries its partner id, written behind the
 * partner wall) or by the channel team. On an approved registration it renews exclusivity: a fresh
 * inactivity window from now, never beyond the hard cap, never shorter than before, and a new warning date.
 */
export async function logRegistrationActivity(
  ctx: UseCaseContext,
  registrationId: string,
  input: RegistrationActivityInput,
): Promise<RegistrationActivityView> {
  const kind = actorKindOf(ctx);
  assertCan(ctx.actor, kind === 'partner' ? 'portal.registration.write' : 'registration.submit');
  return inTransaction(ctx, async (trx) => {
    const now = ctx.clock.now();
    const row = await lockRegistration(trx, ctx, registrationId);
    assertTransition(row, 'log_activity', kind);
    const insert = (t: Trx) =>
      t
        .insertInto('activities')
        .values({
          record_type: 'registration',
          record_id: row.id,
          kind: input.kind,
          subject: input.subject,
          notes: input.notes ?? null,
          actor_id: actorOf(ctx).id,
          partner_id: kind === 'partner' ? row.partner_id : null,
          occurred_at: input.occurredAt ? new Date(input.occurredAt) : now,
          created_at: now,
        })
        .returning(['id', 'kind', 'subject', 'notes', 'partner_id', 'occurred_at'])
        .executeTakeFirstOrThrow();
    const activity = kind === 'partner' ? await asPartner(trx, row.partner_id, insert) : await insert(trx);

    // The window is the system's to compute: written with the app role, from the server's clock.
    const window = windowOf(row);
    const renewed = row.status === 'approved' && window ? renewWindow(window, now, await channelPolicy(trx)) : null;
    const updated = await trx
      .updateTable('registrations')
      .set({ ...(renewed ? windowColumns(renewed) : { last_activity_at: now }), version: row.version + 1, updated_at: now })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(trx, ctx, {
      event: 'registration.activity_logged',
      entityType: 'registration',
      entityId: row.id,
      before: { expiresAt: row.expires_at?.toISOString() ?? null, version: row.version },
      after: {
        activityId: activity.id,
        kind: activity.kind,
        subject: activity.subject,
        expiresAt: updated.expires_at?.toISOString() ?? null,
        warnAt: updated.warn_at?.toISOString() ?? null,
      },
    });
    return {
      id: activity.id,
      registrationId: row.id,
      kind: activity.kind,
      subject: activity.subject,
      notes: activity.notes,
      actorId: actorOf(ctx).id,
      partnerId: activity.partner_id,
      occurredAt: activity.occurred_at.toISOString(),
      registration: registrationView(updated),
    };
  });
}
