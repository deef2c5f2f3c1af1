import { assertCan } from '../../platform/access/can.js';
import { recordChange } from '../../platform/record-change.js';
import { type UseCaseContext, inTransaction } from '../../platform/use-case-context.js';
import type { CreateWebhookInput } from '../schemas.js';
import { newWebhookSecret } from '../signing.js';
import { assertSafeUrl } from '../url-guard.js';
import { type WebhookView, webhookView } from '../views.js';

/** The secret is returned here once and never again. */
export async function createWebhook(ctx: UseCaseContext, input: CreateWebhookInput): Promise<WebhookView & { secret: string }> {
  assertCan(ctx.actor, 'integration.manage');
  await assertSafeUrl(input.url);
  const secret = newWebhookSecret();
  return inTransaction(ctx, async (trx) => {
    const now = ctx.clock.now();
    const row = await trx
      .insertInto('webhook_endpoints')
      .values({ url: input.url, events: input.events, description: input.description ?? null, disabled_reason: null, created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await trx.insertInto('webhook_secrets').values({ endpoint_id: row.id, secret, created_at: now, expires_at: null }).execute();
    const view = webhookView(row);
    await recordChange(trx, ctx, { event: 'webhook.created', entityType: 'webhook_endpoint', entityId: row.id, after: view });
    return { ...view, secret };
  });
}
