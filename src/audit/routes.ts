import { z } from 'zod';
import type { CheckpointStore } from '../platform/audit/checkpoints.js';
import type { App } from '../platform/http/server.js';
import { PageQuerySchema } from '../platform/pagination.js';
import { listAuditEvents } from './list-audit-events.js';
import { verifyAuditTrail } from './verify-audit-trail.js';

const AuditEventResponse = z.object({
  seq: z.number().int(),
  id: z.uuid(),
  occurredAt: z.string(),
  eventName: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  actorId: z.uuid().nullable(),
  actorLabel: z.string(),
  reason: z.string().nullable(),
  requestId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  hash: z.string().nullable().describe('null until the event is sealed into the hash chain, normally well within a second of commit'),
});

const VerificationResponse = z.object({
  ok: z.boolean(),
  rows: z.number().int(),
  headSeq: z.number().int().optional(),
  checkpoints: z.number().int().optional(),
  pending: z.number().int().optional().describe('events committed after the seal pass that verify ran first'),
  firstBadSeq: z.number().int().optional(),
  problem: z.string().optional(),
  detail: z.string().optional(),
});

export function registerAuditRoutes(app: App, deps: { checkpoints: CheckpointStore }): void {
  app.get(
    '/api/v1/audit',
    {
      config: { access: 'audit.read' },
      schema: {
        tags: ['audit'],
        querystring: z.strictObject({
          ...PageQuerySchema,
          entityType: z.string().max(100).optional(),
          entityId: z.string().max(200).optional(),
          actorId: z.uuid().optional(),
          eventName: z.string().max(100).optional(),
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
        }),
        response: { 200: z.object({ items: z.array(AuditEventResponse), nextCursor: z.string().nullable() }) },
      },
    },
    async (request) => listAuditEvents(request.context(), request.query),
  );
  app.get(
    '/api/v1/audit/verify',
    { config: { access: 'audit.verify' }, schema: { tags: ['audit'], response: { 200: VerificationResponse } } },
    async (request) => verifyAuditTrail(request.context(), deps.checkpoints),
  );
}
