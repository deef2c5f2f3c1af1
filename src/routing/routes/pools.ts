import { z } from 'zod';
import { etagOf, versionFromIfMatch } from '../../platform/http/etag.js';
import type { App } from '../../platform/http/server.js';
import { DecisionResponse, IdParams, PoolDetailResponse, PoolResponse } from '../http-schemas.js';
import { CreateAbsenceSchema, CreateEscalationPolicySchema, CreatePoolSchema, CreateQueueSchema, RouteBatchSchema, RouteRequestSchema, UpdatePoolSchema } from '../schemas.js';
import { routeRecordsBatch } from '../use-cases/route-records-batch.js';
import { createAbsence, listAbsences } from '../use-cases/create-absence.js';
import { createEscalationPolicy, listEscalationPolicies } from '../use-cases/create-escalation-policy.js';
import { createPool } from '../use-cases/create-pool.js';
import { createQueue, listQueues } from '../use-cases/create-queue.js';
import { getPool, listPools } from '../use-cases/list-pools.js';
import { routeRecordNow } from '../use-cases/route-record.js';
import { updatePool } from '../use-cases/update-pool.js';

const tags = ['routing'];
const ifMatch = z.object({ 'if-match': z.string().optional() });
const QueueResponse = z.object({ id: z.uuid(), name: z.string(), ownerId: z.uuid(), description: z.string().nullable(), version: z.number(), createdAt: z.string() });
const PolicyResponse = z.object({ id: z.uuid(), name: z.string(), steps: z.unknown(), version: z.number(), createdAt: z.string() });
const AbsenceResponse = z.object({ id: z.uuid(), userId: z.uuid(), startsAt: z.string(), endsAt: z.string(), reason: z.string().nullable() });

export function registerPoolRoutes(app: App): void {
  app.get('/api/v1/pools', { config: { access: 'pool.read' }, schema: { tags, response: { 200: z.object({ items: z.array(PoolResponse) }) } } }, async (request) => listPools(request.context()));
  app.post('/api/v1/pools', { config: { access: 'pool.manage' }, schema: { tags, body: CreatePoolSchema, response: { 201: PoolResponse } } }, async (request, reply) => {
    const pool = await createPool(request.context(), request.body);
    return reply.code(201).header('etag', etagOf(pool.version)).header('location', `/api/v1/pools/${pool.id}`).send(pool);
  });
  app.get('/api/v1/pools/:id', { config: { access: 'pool.read' }, schema: { tags, params: IdParams, response: { 200: PoolDetailResponse } } }, async (request, reply) => {
    const pool = await getPool(request.context(), request.params.id);
    return reply.header('etag', etagOf(pool.version)).send(pool);
  });
  app.patch(
    '/api/v1/pools/:id',
    { config: { access: 'pool.manage' }, schema: { tags, params: IdParams, headers: ifMatch, body: UpdatePoolSchema, response: { 200: PoolResponse } } },
    async (request, reply) => {
      const pool = await updatePool(request.context(), { poolId: request.params.id, expectedVersion: versionFromIfMatch(request.headers['if-match']), changes: request.body });
      return reply.header('etag', etagOf(pool.version)).send(pool);
    },
  );

  app.get('/api/v1/queues', { config: { access: 'pool.read' }, schema: { tags, response: { 200: z.object({ items: z.array(QueueResponse) }) } } }, async (request) => listQueues(request.context()));
  app.post('/api/v1/queues', { config: { access: 'routing.configure' }, schema: { tags, body: CreateQueueSchema, response: { 201: QueueResponse } } }, async (request, reply) =>
    reply.code(201).send(await createQueue(request.context(), request.body)),
  );
  app.get('/api/v1/escalation-policies', { config: { access: 'pool.read' }, schema: { tags, response: { 200: z.object({ items: z.array(PolicyResponse) }) } } }, async (request) =>
    listEscalationPolicies(request.context()),
  );
  app.post(
    '/api/v1/escalation-policies',
    { config: { access: 'routing.configure' }, schema: { tags, body: CreateEscalationPolicySchema, response: { 201: PolicyResponse } } },
    async (request, reply) => reply.code(201).send(await createEscalationPolicy(request.context(), request.body)),
  );
  app.get(
    '/api/v1/absences',
    { config: { access: 'absence.manage_own' }, schema: { tags, querystring: z.strictObject({ userId: z.uuid().optional() }), response: { 200: z.object({ items: z.array(AbsenceResponse) }) } } },
    async (request) => listAbsences(request.context(), request.query),
  );
  app.post('/api/v1/absences', { config: { access: 'absence.manage_own' }, schema: { tags, body: CreateAbsenceSchema, response: { 201: AbsenceResponse } } }, async (request, reply) =>
    reply.code(201).send(await createAbsence(request.context(), request.body)),
  );

  app.post('/api/v1/routing/route', { config: { access: 'routing.route' }, schema: { tags, body: RouteRequestSchema, response: { 200: DecisionResponse } } }, async (request) =>
    routeRecordNow(request.context(), request.body),
  );
  app.post(
    '/api/v1/routing/route-batch',
    {
      config: { access: 'routing.route' },
      schema: {
        tags,
        body: RouteBatchSchema,
        response: { 200: z.object({ routed: z.number(), assigned: z.number(), unassigned: z.number(), missing: z.number(), byOwner: z.record(z.string(), z.number()) }) },
      },
    },
    async (request) => routeRecordsBatch(request.context(), request.body),
  );
}
