import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import { newWebhookSecret } from '../signing.js';
import { lockEndpoint } from '../store.js';

/** Receivers get a day to switch: the previous secrets keep signing for 24 h after a rotation. */
export const ROTATION_GRACE_MS = 24 * 3600 * 1000;

export async function rotateWebhookSecret(ctx: UseCaseContext, endpointId: string): Promise<{ id: string; secret: string; previousSecretsExpireAt: string }> {
  assertCan(ctx.actor, 'integration.manage');
  const secret = newWebhookSecret();
  return inTransaction(ctx, async (trx) => {
    const endpoint = await lockEndpoint(trx, endpointId);
    if (!endpoint) throw notFound('webhook');
    const now = ctx.clock.now();
    const graceEnd = new Date(now.getTime() + ROTATION_GRACE_MS);
    await trx
      .updateTable('webhook_secrets')
      .set({ expires_at: graceEnd })
      .where('endpoint_id', '=', endpointId)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', graceEnd)]))
      .execute();
    await trx.insertInto('webhook_secrets').values({ endpoint_id: endpointId, secret, created_at: now, expires_at: null }).execute();
    await recordChange(trx, ctx, { event: 'webhook.secret_rotated', entityType: 'webhook_endpoint', entityId: endpointId, after: { previousSecretsExpireAt: graceEnd.toISOString() } });
    return { id: endpointId, secret, previousSecretsExpireAt: graceEnd.toISOString() };
  });
}
