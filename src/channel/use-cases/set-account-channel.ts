import { assertCan } from '../../platform/access/can.js';
import { invalidField, notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, actorOf, inTransaction } from '../../platform/use-case-context.js';
import { lockAccount } from '../../routing/store.js';
import { type AccountView, accountView } from '../../routing/views.js';
import type { SetAccountChannelInput } from '../schemas/partners.js';

const channelState = (a: { channel_partner_id: string | null; direct_only: boolean; channel_assigned_at: Date | null; channel_assigned_by: string | null }) => ({
  channelPartnerId: a.channel_partner_id,
  directOnly: a.direct_only,
  channelAssignedAt: a.channel_assigned_at?.toISOString() ?? null,
  channelAssignedBy: a.channel_assigned_by,
});

/**
 * A channel manager names the account's channel owner (a partner) or takes it back, and marks it
 * direct-only; a direct-only account has no channel owner. Reason required; before/after audited.
 */
export async function setAccountChannel(
  ctx: UseCaseContext,
  options: { accountId: string; expectedVersion: number; input: SetAccountChannelInput },
): Promise<AccountView & ReturnType<typeof channelState>> {
  assertCan(ctx.actor, 'channel.assign');
  const { channelPartnerId, directOnly, reason } = options.input;
  if (directOnly && channelPartnerId !== null) throw invalidField('channelPartnerId', 'must be null on a direct-only account');
  return inTransaction(ctx, async (trx) => {
    const current = await lockAccount(trx, options.accountId);
    if (!current) throw notFound('account');
    assertVersion(current.version, options.expectedVersion);
    if (channelPartnerId !== null && channelPartnerId !== current.channel_partner_id) {
      const partner = await trx.selectFrom('partners').select('status').where('id', '=', channelPartnerId).executeTakeFirst();
      if (!partner) throw invalidField('channelPartnerId', 'no such partner');
      if (partner.status !== 'active') throw invalidField('channelPartnerId', `the partner is ${partner.status}`);
    }
    const now = ctx.clock.now();
    const ownerChanged = channelPartnerId !== current.channel_partner_id;
    const row = await trx
      .updateTable('accounts')
      .set({
        channel_partner_id: channelPartnerId,
        direct_only: directOnly,
        ...(ownerChanged && { channel_assigned_at: now, channel_assigned_by: actorOf(ctx).id }),
        version: current.version + 1,
        updated_at: now,
      })
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordChange(trx, ctx, {
      event: 'account.channel_owner_set',
      entityType: 'account',
      entityId: row.id,
      reason,
      before: channelState(current),
      after: channelState(row),
    });
    return { ...accountView(row), ...channelState(row) };
  });
}
