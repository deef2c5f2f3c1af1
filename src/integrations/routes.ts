import { z } from 'zod';
import { AppError, invalidField } from '../platform/errors.js';
import { etagOf, versionFromIfMatch } from '../platform/http/etag.js';
import type { App } from '../platform/http/server.js';
import { BulkResponse, CatalogueEventResponse, CreatedWebhookResponse, DeliveryResponse, RotatedSecretResponse, WebhookResponse } from './http-schemas.js';
import { CreateWebhookSchema, UpdateWebhookSchema } from './schemas.js';
import { publishedCatalogue } from './event-catalogue.js';
import { SyncBody, SyncParams, SyncSource } from './sync/schemas.js';
import { syncBulk } from './use-cases/sync-bulk.js';
import { createWebhook } from './use-cases/create-webhook.js';
import { listDeliveries } from './use-cases/list-deliveries.js';
import { getWebhook, listWebhooks } from './use-cases/list-webhooks.js';
import { replayDelivery } from './use-cases/replay-delivery.js';
import { rotateWebhookSecret } from './use-cases/rotate-webhook-secret.js';
import { syncRecord } from './use-cases/sync-record.js';
import { updateWebhook } from './use-cases/update-webhook.js';

const tags = ['integrations'];
const IdParams = z.strictObject({ id: z.uuid() });
const ifMatch = z.object({ 'if-match': z.string().optional() });
const access = 'integration.manage' as const;

export function registerIntegrationRoutes(app: App): void {
  app.get('/api/v1/webhooks', { config: { access }, schema: { tags, response: { 200: z.object({ items: z.array(WebhookResponse) }) } } }, async (request) => listWebhooks(request.context()));
  app.post('/api/v1/webhooks', { config: { access }, schema: { tags, body: CreateWebhookSchema, response: { 201: CreatedWebhookResponse } } }, async (request, reply) => {
    const webhook = await createWebhook(request.context(), request.body);
    return reply.code(201).header('etag', etagOf(webhook.version)).header('location', `/api/v1/webhooks/${webhook.id}`).send(webhook);
  });
  app.get('/api/v1/webhooks/:id', { config: { access }, schema: { tags, params: IdParams, response: { 200: WebhookResponse } } }, async (request, reply) => {
    const webhook = await getWebhook(request.context(), request.params.id);
    return reply.header('etag', etagOf(webhook.version)).send(webhook);
  });
  app.patch(
    '/api/v1/webhooks/:id',
    { config: { access }, schema: { tags, params: IdParams, headers: ifMatch, body: UpdateWebhookSchema, response: { 200: WebhookResponse } } },
    async (request, reply) => {
      const expectedVersion = versionFromIfMatch(request.headers['if-match']);
      const webhook = await updateWebhook(request.context(), { endpointId: request.params.id, expectedVersion, changes: request.body });
      return reply.header('etag', etagOf(webhook.version)).send(webhook);
    },
  );
  app.post('/api/v1/webhooks/:id/rotate-secret', { config: { access }, schema: { tags, params: IdParams, response: { 200: RotatedSecretResponse } } }, async (request) =>
    rotateWebhookSecret(request.context(), request.params.id),
  );
  app.get(
    '/api/v1/webhooks/:id/deliveries',
    {
      config: { access },
      schema: {
        tags,
        params: IdParams,
        querystring: z.strictObject({ status: z.enum(['pending', 'delivered', 'dead', 'cancelled']).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.object({ items: z.array(DeliveryResponse) }) },
      },
    },
    async (request) => listDeliveries(request.context(), { endpointId: request.params.id, ...request.query }),
  );
  app.post(
    '/api/v1/webhooks/deliveries/:id/replay',
    { config: { access }, schema: { tags, params: IdParams, body: z.strictObject({ reason: z.string().max(500).optional() }).optional(), response: { 200: DeliveryResponse } } },
    async (request) => replayDelivery(request.context(), request.params.id, request.body?.reason),
  );

  app.put(
    '/api/v1/sync/:source/:type/:externalId',
    {
      config: { access },
      schema: {
        tags,
        params: SyncParams,
        body: SyncBody,
        response: {
          200: z.union([
            z.object({ applied: z.literal(true), created: z.boolean(), recordId: z.uuid(), version: z.number().int(), warning: z.string().optional() }),
            z.object({ applied: z.literal(false), reason: z.enum(['stale', 'duplicate', 'unchanged']), recordId: z.uuid(), version: z.number().int() }),
          ]),
        },
      },
    },
    async (request) => syncRecord(request.context(), request.params, request.body),
  );

  // Public like /api/openapi.json, which carries the same schemas in its `webhooks`: documentation, no data.
  app.get(
    '/api/v1/events/catalogue',
    { config: { access: 'public' }, schema: { tags, response: { 200: z.object({ events: z.array(CatalogueEventResponse) }) } } },
    async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send({ events: publishedCatalogue() }),
  );

  // The NDJSON body is read as a stream by the use case, so it lives in its own scope with its own parser.
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/x-ndjson', (_request, payload, done) => done(null, payload));
    scope.post(
      '/api/v1/sync/:source/bulk',
      {
        config: { access },
        // Each line is idempotent by its version; an Idempotency-Key would have to fingerprint the stream.
        preValidation: async (request) => {
          if (request.headers['idempotency-key'] !== undefined) throw invalidField('header.idempotency-key', 'not used here: every line is idempotent by its version');
          if (!String(request.headers['content-type'] ?? '').startsWith('application/x-ndjson')) throw new AppError('unsupported_media_type', 'Send application/x-ndjson: one {type, externalId, version, data} object per line.');
        },
        schema: { tags, params: z.strictObject({ source: SyncSource }), response: { 200: BulkResponse } },
      },
      async (request) => syncBulk(request.context(), (request.params as { source: string }).source, request.body as AsyncIterable<Buffer>, { logger: request.log as never }),
    );
  });
}
