import { z } from 'zod';
import { etagOf, versionFromIfMatch } from '../../platform/http/etag.js';
import type { App } from '../../platform/http/server.js';
import { PageQuerySchema } from '../../platform/pagination.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import type { RegistrationView } from '../registration-store.js';
import {
  ActivityResponse,
  ApproveRegistrationSchema,
  CloseRegistrationSchema,
  DecideExpirySchema,
  ExpiryDecisionResponse,
  RegistrationActivitySchema,
  RegistrationDetailResponse,
  RegistrationListItem,
  RegistrationResponse,
  RejectRegistrationSchema,
  ReturnRegistrationSchema,
  SubmitRegistrationSchema,
} from '../registration-schemas.js';
import { approveRegistration } from '../use-cases/approve-registration.js';
import { closeRegistration } from '../use-cases/close-registration.js';
import { decideExpiry } from '../use-cases/decide-expiry.js';
import { getRegistration } from '../use-cases/get-registration.js';
import { listExpiryDecisions } from '../use-cases/list-expiry-decisions.js';
import { listRegistrations } from '../use-cases/list-registrations.js';
import { logRegistrationActivity } from '../use-cases/log-registration-activity.js';
import { rejectRegistration } from '../use-cases/reject-registration.js';
import { returnRegistration } from '../use-cases/return-registration.js';
import { submitRegistration } from '../use-cases/submit-registration.js';

const STATUSES = ['submitted', 'under_review', 'approved', 'rejected', 'returned', 'won', 'lost', 'expired', 'withdrawn'] as const;
const IdParams = z.strictObject({ id: z.uuid() });
const ifMatch = z.object({ 'if-match': z.string().optional() });
const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
const ListQuery = z.strictObject({
  ...PageQuerySchema,
  status: z
    .string()
    .max(200)
    .transform((v) => v.split(',').map((s) => s.trim()))
    .pipe(z.array(z.enum(STATUSES)))
    .optional(),
  partnerId: z.uuid().optional(),
  flagged: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  expiringWithinDays: z.coerce.number().int().min(0).max(3650).optional(),
});
const DecisionListQuery = z.strictObject({
  ...PageQuerySchema,
  status: z.enum(['open', 'decided']).optional(),
  partnerId: z.uuid().optional(),
});
const tags = ['registrations'];

/** Internal registration routes (`/api/v1/registrations`, `/api/v1/expiry-decisions`). */
export function registerRegistrationRoutes(app: App): void {
  app.get(
    '/api/v1/registrations',
    { config: { access: 'registration.read' }, schema: { tags, querystring: ListQuery, response: { 200: listOf(RegistrationListItem) } } },
    async (request) => listRegistrations(request.context(), request.query),
  );
  app.post(
    '/api/v1/registrations',
    {
      config: { access: 'registration.submit' },
      schema: { tags, body: SubmitRegistrationSchema, response: { 201: RegistrationResponse } },
    },
    async (request, reply) => {
      const registration = await submitRegistration(request.context(), request.body);
      return reply
        .code(201)
        .header('etag', etagOf(registration.version))
        .header('location', `/api/v1/registrations/${registration.id}`)
        .send(registration);
    },
  );
  app.get(
    '/api/v1/registrations/:id',
    { config: { access: 'registration.read' }, schema: { tags, params: IdParams, response: { 200: RegistrationDetailResponse } } },
    async (request, reply) => {
      const registration = await getRegistration(request.context(), request.params.id);
      return reply.header('etag', etagOf(registration.version)).send(registration);
    },
  );
  const transition = <B extends z.ZodType>(
    path: string,
    access: 'registration.review' | 'registration.close',
    body: B,
    run: (ctx: UseCaseContext, r: { registrationId: string; expectedVersion: number; input: z.infer<B> }) => Promise<RegistrationView>,
  ) =>
    app.post(
      `/api/v1/registrations/:id/${path}`,
      { config: { access }, schema: { tags, params: IdParams, headers: ifMatch, body, response: { 200: RegistrationResponse } } },
      async (request, reply) => {
        const registration = await run(request.context(), {
          registrationId: (request.params as { id: string }).id,
          expectedVersion: versionFromIfMatch((request.headers as { 'if-match'?: string })['if-match']),
          input: request.body as z.infer<B>,
        });
        return reply.header('etag', etagOf(registration.version)).send(registration);
      },
    );
  transition('approve', 'registration.review', ApproveRegistrationSchema, approveRegistration);
  transition('reject', 'registration.review', RejectRegistrationSchema, rejectRegistration);
  transition('return', 'registration.review', ReturnRegistrationSchema, returnRegistration);
  transition('close', 'registration.close', CloseRegistrationSchema, closeRegistration);
  app.post(
    '/api/v1/registrations/:id/activities',
    {
      config: { access: 'registration.submit' },
      schema: { tags, params: IdParams, body: RegistrationActivitySchema, response: { 201: ActivityResponse } },
    },
    async (request, reply) => {
      const activity = await logRegistrationActivity(request.context(), request.params.id, request.body);
      return reply.code(201).header('etag', etagOf(activity.registration.version)).send(activity);
    },
  );

  app.get(
    '/api/v1/expiry-decisions',
    {
      config: { access: 'registration.read' },
      schema: {
        tags,
        querystring: DecisionListQuery,
        response: {
          200: listOf(
            ExpiryDecisionResponse.extend({
              partnerId: z.uuid(),
              partnerName: z.string(),
              customerName: z.string(),
              productLine: z.string(),
            }),
          ),
        },
      },
    },
    async (request) => listExpiryDecisions(request.context(), request.query),
  );
  app.post(
    '/api/v1/expiry-decisions/:id/decide',
    {
      config: { access: 'expiry.decide' },
      schema: { tags, params: IdParams, headers: ifMatch, body: DecideExpirySchema, response: { 200: ExpiryDecisionResponse } },
    },
    async (request, reply) => {
      const decision = await decideExpiry(request.context(), {
        decisionId: request.params.id,
        expectedVersion: versionFromIfMatch(request.headers['if-match']),
        input: request.body,
      });
      return reply.header('etag', etagOf(decision.version)).send(decision);
    },
  );
}
