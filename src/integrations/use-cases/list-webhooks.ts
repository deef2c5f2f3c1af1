import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { findEndpoint, listEndpoints } from '../store.js';
import { type WebhookView, webhookView } from '../views.js';

export async function listWebhooks(ctx: UseCaseContext): Promise<{ items: WebhookView[] }> {
  assertCan(ctx.actor, 'integration.manage');
  return { items: (await listEndpoints(ctx.db)).map(webhookView) };
}

export async function getWebhook(ctx: UseCaseContext, id: string): Promise<WebhookView> {
  assertCan(ctx.actor, 'integration.manage');
  const row = await findEndpoint(ctx.db, id);
  if (!row) throw notFound('webhook');
  return webhookView(row);
}
