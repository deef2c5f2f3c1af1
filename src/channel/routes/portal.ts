import { z } from 'zod';
import { IdParams } from '../../identity/http-schemas.js';
import { etagOf, versionFromIfMatch } from '../../platform/http/etag.js';
import type { App } from '../../platform/http/server.js';
import {
  MarkNoticesReadBody,
  PortalAccountResponse,
  PortalNoticeResponse,
  PortalNoticesQuery,
  PortalPageQuery,
  PortalPartnerResponse,
  PortalProductResponse,
  PortalProductsQuery,
  PortalRegistrationResponse,
  PortalRegistrationSummaryResponse,
  PortalRegistrationsQuery,
  PortalSubmitBody,
  PortalUserResponse,
  PortalWithdrawBody,
  portalPage,
} from '../portal-schemas.js';
import { getOwnPartner } from '../use-cases/get-own-partner.js';
import { listPartnerNotices } from '../use-cases/list-partner-notices.js';
import { getPortalAccount, listPortalAccounts } from '../use-cases/list-portal-accounts.js';
import { listPortalProducts } from '../use-cases/list-portal-products.js';
import { getPortalRegistration, listPortalRegistrations } from '../use-cases/list-portal-registrations.js';
import { markPartnerNoticesRead } from '../use-cases/mark-partner-notices-read.js';
import { CreatePartnerUserSchema, DeactivatePartnerUserSchema, PartnerUserListQuery } from '../schemas/partners.js';
import { createPartnerUser } from '../use-cases/create-partner-user.js';
import { deactivatePartnerUser } from '../use-cases/deactivate-partner-user.js';
import { listPartnerUsers } from '../use-cases/list-partner-users.js';
import { ResubmitRegistrationSchema, RegistrationActivitySchema } from '../registration-schemas.js';
import { closeRegistration } from '../use-cases/close-registration.js';
import { logRegistrationActivity } from '../use-cases/log-registration-activity.js';
import { resubmitRegistration } from '../use-cases/resubmit-registration.js';
import { submitRegistration } from '../use-cases/submit-registration.js';

const tags = ['partner portal'];
const ifMatch = z.object({ 'if-match': z.string().optional() });
export const PORTAL = '/api/partner/v1';

/**
 * The partner portal: partner roles only (the access hook refuses internal users here and partner users
 * everywhere else), every read and write behind the partner wall, every response a strict allow-list.
 */
export function registerPortalRoutes(app: App): void {
  app.get(
    `${PORTAL}/partner`,
    { config: { access: 'portal.registration.read' }, schema: { tags, response: { 200: PortalPartnerResponse } } },
    async (request) => getOwnPartner(request.context()),
  );

  app.get(
    `${PORTAL}/accounts`,
    {
      config: { access: 'portal.account.read' },
      schema: { tags, querystring: PortalPageQuery, response: { 200: portalPage(PortalAccountResponse) } },
    },
    async (request) => listPortalAccounts(request.context(), request.query),
  );
  app.get(
    `${PORTAL}/accounts/:id`,
    { config: { access: 'portal.account.read' }, schema: { tags, params: IdParams, response: { 200: PortalAccountResponse } } },
    async (request) => getPortalAccount(request.context(), request.params.id),
  );

  app.get(
    `${PORTAL}/products`,
    {
      config: { access: 'portal.product.read' },
      schema: { tags, querystring: PortalProductsQuery, response: { 200: portalPage(PortalProductResponse) } },
    },
    async (request) => listPortalProducts(request.context(), request.query),
  );

  app.get(
    `${PORTAL}/notices`,
    {
      config: { access: 'portal.notice.read' },
      schema: { tags, querystring: PortalNoticesQuery, response: { 200: z.strictObject({ items: z.array(PortalNoticeResponse) }) } },
    },
    async (request) => listPartnerNotices(request.context(), request.query),
  );
  app.post(
    `${PORTAL}/notices/read`,
    {
      config: { access: 'portal.notice.read' },
      schema: { tags, body: MarkNoticesReadBody, response: { 200: z.strictObject({ marked: z.number().int() }) } },
    },
    async (request) => markPartnerNoticesRead(request.context(), request.body),
  );

  app.get(
    `${PORTAL}/registrations`,
    {
      config: { access: 'portal.registration.read' },
      schema: { tags, querystring: PortalRegistrationsQuery, response: { 200: portalPage(PortalRegistrationSummaryResponse) } },
    },
    async (request) => listPortalRegistrations(request.context(), request.query),
  );
  app.get(
    `${PORTAL}/registrations/:id`,
    { config: { access: 'portal.registration.read' }, schema: { tags, params: IdParams, response: { 200: PortalRegistrationResponse } } },
    async (request, reply) => {
      const registration = await getPortalRegistration(request.context(), request.params.id);
      return reply.header('etag', etagOf(registration.version)).send(registration);
    },
  );
  // ---- writes: wired to the registrations use cases (one behaviour for portal and internal callers) ----
  app.post(
    `${PORTAL}/registrations`,
    {
      config: { access: 'portal.registration.write' },
      schema: { tags, body: PortalSubmitBody, response: { 201: PortalRegistrationResponse } },
    },
    async (request, reply) => {
      const ctx = request.context();
      const submitted = await submitRegistration(ctx, request.body);
      const registration = await getPortalRegistration(ctx, submitted.id);
      return reply
        .code(201)
        .header('etag', etagOf(registration.version))
        .header('location', `${PORTAL}/registrations/${registration.id}`)
        .send(registration);
    },
  );
  app.post(
    `${PORTAL}/registrations/:id/resubmit`,
    {
      config: { access: 'portal.registration.write' },
      schema: { tags, params: IdParams, headers: ifMatch, body: ResubmitRegistrationSchema, response: { 200: PortalRegistrationResponse } },
    },
    async (request, reply) => {
      const ctx = request.context();
      const expectedVersion = versionFromIfMatch(request.headers['if-match']);
      await resubmitRegistration(ctx, { registrationId: request.params.id, expectedVersion, input: request.body });
      const registration = await getPortalRegistration(ctx, request.params.id);
      return reply.header('etag', etagOf(registration.version)).send(registration);
    },
  );
  app.post(
    `${PORTAL}/registrations/:id/activities`,
    {
      config: { access: 'portal.registration.write' },
      schema: { tags, params: IdParams, body: RegistrationActivitySchema, response: { 201: PortalRegistrationResponse } },
    },
    async (request, reply) => {
      const ctx = request.context();
      await logRegistrationActivity(ctx, request.params.id, request.body);
      const registration = await getPortalRegistration(ctx, request.params.id);
      return reply.code(201).header('etag', etagOf(registration.version)).send(registration);
    },
  );
  app.post(
    `${PORTAL}/registrations/:id/withdraw`,
    {
      config: { access: 'portal.registration.write' },
      schema: { tags, params: IdParams, headers: ifMatch, body: PortalWithdrawBody, response: { 200: PortalRegistrationResponse } },
    },
    async (request, reply) => {
      const ctx = request.context();
      const expectedVersion = versionFromIfMatch(request.headers['if-match']);
      await closeRegistration(ctx, {
        registrationId: request.params.id,
        expectedVersion,
        input: { outcome: 'withdrawn', reason: request.body?.reason },
      });
      const registration = await getPortalRegistration(ctx, request.params.id);
      return reply.header('etag', etagOf(registration.version)).send(registration);
    },
  );

  // ---- the partner's users: partner admins manage them (partner users may list) ----------------------
  app.get(
    `${PORTAL}/users`,
    {
      config: { access: 'portal.user.read' },
      schema: { tags, querystring: PartnerUserListQuery, response: { 200: portalPage(PortalUserResponse) } },
    },
    async (request) => listPartnerUsers(request.context(), request.query),
  );
  app.post(
    `${PORTAL}/users`,
    { config: { access: 'portal.user.manage' }, schema: { tags, body: CreatePartnerUserSchema, response: { 201: PortalUserResponse } } },
    async (request, reply) => {
      const user = await createPartnerUser(request.context(), request.body);
      return reply.code(201).header('etag', etagOf(user.version)).header('location', `${PORTAL}/users/${user.id}`).send(user);
    },
  );
  app.post(
    `${PORTAL}/users/:id/deactivate`,
    {
      config: { access: 'portal.user.manage' },
      schema: { tags, params: IdParams, headers: ifMatch, body: DeactivatePartnerUserSchema, response: { 200: PortalUserResponse } },
    },
    async (request, reply) => {
      const expectedVersion = versionFromIfMatch(request.headers['if-match']);
      const user = await deactivatePartnerUser(request.context(), {
        userId: request.params.id,
        expectedVersion,
        reason: request.body.reason,
      });
      return reply.header('etag', etagOf(user.version)).send(user);
    },
  );
}
