import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import { assertVersion } from '../../platform/http/etag.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { UpdateWebhookInput } from '../schemas.js';
import { lockEndpoint } from '../store.js';
import { assertSafeUrl } from '../url-guard.js';
import { type WebhookView, webhookView } from '../views.js';

export async function updateWebhook(ctx: UseCaseContext, options: { endpointId: string; expectedVersion: number; changes: UpdateWebhookInput }): Promise<WebhookView> {
  assertCan(ctx.actor, 'integration.manage');
  const { changes } = options;
  if (changes.url !== undefined) await assertSafeUrl(changes.url);
  return inTransaction(ctx, async (trx) => {
    const current = await lockEndpoint(trx, options.endpointId);
    if (!current) throw notFound('webhook');
    assertVersion(current.version, options.expectedVersion);
    const row = await trx
      .updateTable('webhook_endpoints')
      .set({
        ...(changes.url !== undefined && { url: changes.url }),
        ...(changes.events !== undefined && { events: changes.events }),
        ...(changes.description !== undefined && { description: changes.description }),
        ...(changes.enabled !== undefined && { enabled: changes.enabled, disabled_reason: changes.enabled ? null : 'disabled by a user' }),
        version: current.version + 1,
        updated_at: ctx.clock.now(),
      })
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = webhookView(row);
    await recordChange(trx, ctx, { event: 'webhook.updated', entityType: 'webhook_endpoint', entityId: row.id, before: webhookView(current), after });
    return after;
  });
}
