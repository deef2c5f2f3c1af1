import { z } from 'zod';
import { etagOf, versionFromIfMatch } from '../../platform/http/etag.js';
import type { App } from '../../platform/http/server.js';
import { PageQuerySchema } from '../../platform/pagination.js';
import { AccountResponse, ActivityResponse, DecisionResponse, IdParams, LeadResponse, OpportunityResponse, TimelineResponse, listOf } from '../http-schemas.js';
import {
  CreateAccountSchema,
  CreateLeadSchema,
  CreateOpportunitySchema,
  LogActivitySchema,
  RecordTypeSchema,
  UpdateAccountSchema,
  UpdateLeadSchema,
  UpdateOpportunitySchema,
} from '../schemas.js';
import { createAccount } from '../use-cases/create-account.js';
import { createLead } from '../use-cases/create-lead.js';
import { createOpportunity } from '../use-cases/create-opportunity.js';
import { getOwnershipTimeline } from '../use-cases/get-ownership-timeline.js';
import { getAccount, getLead, getOpportunity, listAccounts, listLeads, listOpportunities } from '../use-cases/list-records.js';
import { logActivity } from '../use-cases/log-activity.js';
import { updateAccount } from '../use-cases/update-account.js';
import { updateLead } from '../use-cases/update-lead.js';
import { updateOpportunity } from '../use-cases/update-opportunity.js';

const ifMatch = z.object({ 'if-match': z.string().optional() });
const ListQuery = z.strictObject({
  ...PageQuerySchema,
  ownerId: z.uuid().optional(),
  status: z.string().max(30).optional(),
  q: z.string().max(200).optional(),
  unowned: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});
const RecordParams = z.strictObject({ type: RecordTypeSchema, id: z.uuid() });
const tags = ['records'];

export function registerRecordRoutes(app: App): void {
  // ---- leads ---------------------------------------------------------------------------------------
  app.get('/api/v1/leads', { config: { access: 'record.read' }, schema: { tags, querystring: ListQuery, response: { 200: listOf(LeadResponse) } } }, async (request) =>
    listLeads(request.context(), request.query),
  );
  app.post(
    '/api/v1/leads',
    { config: { access: 'record.write' }, schema: { tags, body: CreateLeadSchema, response: { 201: LeadResponse.extend({ assignment: DecisionResponse }) } } },
    async (request, reply) => {
      const lead = await createLead(request.context(), request.body);
      return reply.code(201).header('etag', etagOf(lead.version)).header('location', `/api/v1/leads/${lead.id}`).send(lead);
    },
  );
  app.get('/api/v1/leads/:id', { config: { access: 'record.read' }, schema: { tags, params: IdParams, response: { 200: LeadResponse } } }, async (request, reply) => {
    const lead = await getLead(request.context(), request.params.id);
    return reply.header('etag', etagOf(lead.version)).send(lead);
  });
  app.patch(
    '/api/v1/leads/:id',
    { config: { access: 'record.write' }, schema: { tags, params: IdParams, headers: ifMatch, body: UpdateLeadSchema, response: { 200: LeadResponse } } },
    async (request, reply) => {
      const lead = await updateLead(request.context(), { leadId: request.params.id, expectedVersion: versionFromIfMatch(request.headers['if-match']), changes: request.body });
      return reply.header('etag', etagOf(lead.version)).send(lead);
    },
  );

  // ---- accounts ------------------------------------------------------------------------------------
  app.get('/api/v1/accounts', { config: { access: 'record.read' }, schema: { tags, querystring: ListQuery, response: { 200: listOf(AccountResponse) } } }, async (request) =>
    listAccounts(request.context(), request.query),
  );
  app.post(
    '/api/v1/accounts',
    { config: { access: 'record.write' }, schema: { tags, body: CreateAccountSchema, response: { 201: AccountResponse.extend({ assignment: DecisionResponse }) } } },
    async (request, reply) => {
      const account = await createAccount(request.context(), request.body);
      return reply.code(201).header('etag', etagOf(account.version)).header('location', `/api/v1/accounts/${account.id}`).send(account);
    },
  );
  app.get('/api/v1/accounts/:id', { config: { access: 'record.read' }, schema: { tags, params: IdParams, response: { 200: AccountResponse } } }, async (request, reply) => {
    const account = await getAccount(request.context(), request.params.id);
    return reply.header('etag', etagOf(account.version)).send(account);
  });
  app.patch(
    '/api/v1/accounts/:id',
    { config: { access: 'record.write' }, schema: { tags, params: IdParams, headers: ifMatch, body: UpdateAccountSchema, response: { 200: AccountResponse } } },
    async (request, reply) => {
      const account = await updateAccount(request.context(), { accountId: request.params.id, expectedVersion: versionFromIfMatch(request.headers['if-match']), changes: request.body });
      return reply.header('etag', etagOf(account.version)).send(account);
    },
  );

  // ---- opportunities -------------------------------------------------------------------------------
  app.get('/api/v1/opportunities', { config: { access: 'record.read' }, schema: { tags, querystring: ListQuery, response: { 200: listOf(OpportunityResponse) } } }, async (request) =>
    listOpportunities(request.context(), request.query),
  );
  app.post(
    '/api/v1/opportunities',
    { config: { access: 'record.write' }, schema: { tags, body: CreateOpportunitySchema, response: { 201: OpportunityResponse.extend({ assignment: DecisionResponse }) } } },
    async (request, reply) => {
      const opportunity = await createOpportunity(request.context(), request.body);
      return reply.code(201).header('etag', etagOf(opportunity.version)).header('location', `/api/v1/opportunities/${opportunity.id}`).send(opportunity);
    },
  );
  app.get('/api/v1/opportunities/:id', { config: { access: 'record.read' }, schema: { tags, params: IdParams, response: { 200: OpportunityResponse } } }, async (request, reply) => {
    const opportunity = await getOpportunity(request.context(), request.params.id);
    return reply.header('etag', etagOf(opportunity.version)).send(opportunity);
  });
  app.patch(
    '/api/v1/opportunities/:id',
    {
      config: { access: 'record.write' },
      schema: { tags, params: IdParams, headers: ifMatch, body: UpdateOpportunitySchema, response: { 200: OpportunityResponse.extend({ assignment: DecisionResponse.nullable() }) } },
    },
    async (request, reply) => {
      const opportunity = await updateOpportunity(request.context(), {
        opportunityId: request.params.id,
        expectedVersion: versionFromIfMatch(request.headers['if-match']),
        changes: request.body,
      });
      return reply.header('etag', etagOf(opportunity.version)).send(opportunity);
    },
  );

  // ---- activity and ownership, for every routable type --------------------------------------------
  for (const [type, path] of [
    ['lead', 'leads'],
    ['account', 'accounts'],
    ['opportunity', 'opportunities'],
  ] as const) {
    app.post(
      `/api/v1/${path}/:id/activities`,
      { config: { access: 'activity.log' }, schema: { tags, params: IdParams, body: LogActivitySchema, response: { 201: ActivityResponse } } },
      async (request, reply) => reply.code(201).send(await logActivity(request.context(), { recordType: type, recordId: request.params.id }, request.body)),
    );
  }
  app.get('/api/v1/records/:type/:id/ownership', { config: { access: 'assignment.read' }, schema: { tags: ['ownership'], params: RecordParams, response: { 200: TimelineResponse } } }, async (request) =>
    getOwnershipTimeline(request.context(), request.params.type, request.params.id),
  );
}
