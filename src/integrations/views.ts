import type { Selectable } from 'kysely';
import type { WebhookAttemptTable, WebhookDeliveryTable, WebhookEndpointTable } from '../platform/db/database.js';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export const webhookView = (r: Selectable<WebhookEndpointTable>) => ({
  id: r.id,
  url: r.url,
  events: r.events,
  description: r.description,
  enabled: r.enabled,
  disabledReason: r.disabled_reason,
  version: r.version,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});
export type WebhookView = ReturnType<typeof webhookView>;

export const attemptView = (r: Selectable<WebhookAttemptTable>) => ({
  attempt: r.attempt,
  statusCode: r.status_code,
  responseExcerpt: r.response_excerpt,
  error: r.error,
  durationMs: r.duration_ms,
  attemptedAt: iso(r.attempted_at)!,
});

export const deliveryView = (r: Selectable<WebhookDeliveryTable> & { event_type: string }, attempts: Selectable<WebhookAttemptTable>[]) => ({
  id: r.id,
  eventId: r.event_id,
  eventType: r.event_type,
  endpointId: r.endpoint_id,
  aggregateVersion: r.aggregate_version,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.status === 'pending' ? iso(r.next_attempt_at) : null,
  lastStatusCode: r.last_status_code,
  lastError: r.last_error,
  deliveredAt: iso(r.delivered_at),
  createdAt: iso(r.created_at)!,
  log: attempts.map(attemptView),
});
export type DeliveryView = ReturnType<typeof deliveryView>;
