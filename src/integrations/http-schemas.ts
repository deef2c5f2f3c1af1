import { z } from 'zod';

export const WebhookResponse = z.object({
  id: z.uuid(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  enabled: z.boolean(),
  disabledReason: z.string().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const CreatedWebhookResponse = WebhookResponse.extend({ secret: z.string() });

export const RotatedSecretResponse = z.object({ id: z.uuid(), secret: z.string(), previousSecretsExpireAt: z.string() });

const AttemptResponse = z.object({
  attempt: z.number().int(),
  statusCode: z.number().int().nullable(),
  responseExcerpt: z.string().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().int(),
  attemptedAt: z.string(),
});

export const DeliveryResponse = z.object({
  id: z.uuid(),
  eventId: z.uuid(),
  eventType: z.string(),
  endpointId: z.uuid(),
  aggregateVersion: z.number().int(),
  status: z.enum(['pending', 'delivered', 'dead', 'cancelled']),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
  log: z.array(AttemptResponse),
});

export const CatalogueEventResponse = z.object({
  type: z.string(),
  version: z.number().int(),
  aggregate: z.string(),
  summary: z.string(),
  exact: z.boolean().describe('true: before/after are described field by field; false: only as JSON objects with a description'),
  payloadSchema: z.record(z.string(), z.unknown()).describe('JSON Schema (2020-12) of the outbox payload {before, after, reason}'),
});

const FieldErrorResponse = z.object({ path: z.string(), message: z.string() });
const LineBase = { line: z.number().int(), type: z.string(), externalId: z.string() };
export const BulkResponse = z.object({
  complete: z.boolean(),
  stoppedReason: z.string().nullable(),
  counts: z.object({ lines: z.number().int(), applied: z.number().int(), stale: z.number().int(), duplicate: z.number().int(), unchanged: z.number().int(), failed: z.number().int() }),
  results: z.array(
    z.union([
      z.object({ ...LineBase, status: z.literal('applied'), created: z.boolean(), recordId: z.uuid(), version: z.number().int(), warning: z.string().optional() }),
      z.object({ ...LineBase, status: z.enum(['stale', 'duplicate', 'unchanged']), recordId: z.uuid(), version: z.number().int() }),
      z.object({
        line: z.number().int(),
        type: z.string().nullable(),
        externalId: z.string().nullable(),
        status: z.literal('failed'),
        error: z.object({ code: z.string(), message: z.string(), errors: z.array(FieldErrorResponse).optional() }),
      }),
    ]),
  ),
});
