import { z } from 'zod';
import type { App } from '../../platform/http/server.js';
import { PageQuerySchema } from '../../platform/pagination.js';
import { AssignmentResponse, IdParams, OverrideDecisionResponse, ReassignResponse, listOf } from '../http-schemas.js';
import { DecisionSchema, ReassignSchema, RecordTypeSchema } from '../schemas.js';
import { acceptAssignment } from '../use-cases/accept-assignment.js';
import { decideOverride } from '../use-cases/decide-override.js';
import { listAssignments } from '../use-cases/list-assignments.js';
import { reassignRecord } from '../use-cases/reassign-record.js';

const tags = ['ownership'];
const RecordParams = z.strictObject({ type: RecordTypeSchema, id: z.uuid() });

export function registerOwnershipRoutes(app: App): void {
  app.get(
    '/api/v1/assignments',
    {
      config: { access: 'assignment.read' },
      schema: {
        tags,
        querystring: z.strictObject({ ...PageQuerySchema, recordType: RecordTypeSchema.optional(), recordId: z.uuid().optional(), ownerId: z.uuid().optional(), status: z.enum(['open', 'closed']).optional() }),
        response: { 200: listOf(AssignmentResponse) },
      },
    },
    async (request) => listAssignments(request.context(), request.query),
  );
  app.post(
    '/api/v1/assignments/:id/acknowledge',
    { config: { access: 'assignment.read' }, schema: { tags, params: IdParams, response: { 200: AssignmentResponse } } },
    async (request) => acceptAssignment(request.context(), request.params.id),
  );
  app.post(
    '/api/v1/records/:type/:id/reassign',
    { config: { access: 'assignment.override' }, schema: { tags, params: RecordParams, body: ReassignSchema, response: { 200: ReassignResponse, 202: ReassignResponse } } },
    async (request, reply) => {
      const outcome = await reassignRecord(request.context(), { recordType: request.params.type, recordId: request.params.id }, request.body);
      return reply.code(outcome.status === 'reassigned' ? 200 : 202).send(outcome);
    },
  );
  for (const decision of ['approve', 'reject'] as const) {
    app.post(
      `/api/v1/override-requests/:id/${decision}`,
      { config: { access: 'override.approve' }, schema: { tags, params: IdParams, body: DecisionSchema, response: { 200: OverrideDecisionResponse } } },
      async (request) => decideOverride(request.context(), { requestId: request.params.id, decision, reason: request.body.reason }),
    );
  }
}
