import { z } from 'zod';
import { IdParams, listOf } from '../../identity/http-schemas.js';
import { etagOf, versionFromIfMatch } from '../../platform/http/etag.js';
import type { App } from '../../platform/http/server.js';
import { AccountResponse } from '../../routing/http-schemas.js';
import { ConflictResponse } from '../schemas/conflicts.js';
import {
  ChannelPolicyResponse,
  CreatePartnerSchema,
  CreatePartnerUserSchema,
  CreateProductLineSchema,
  PartnerDetailResponse,
  PartnerListQuery,
  PartnerResponse,
  PartnerTierResponse,
  PartnerUserResponse,
  ProductLineResponse,
  SetAccountChannelSchema,
  UpdateChannelPolicySchema,
  UpdatePartnerSchema,
} from '../schemas/partners.js';
import { addPartnerUser } from '../use-cases/add-partner-user.js';
import { createPartner } from '../use-cases/create-partner.js';
import { createProductLine } from '../use-cases/create-product-line.js';
import { getAccountChannel } from '../use-cases/get-account-channel.js';
import { getChannelPolicy } from '../use-cases/get-channel-policy.js';
import { listPartnerTiers } from '../use-cases/list-partner-tiers.js';
import { getPartner, listPartners } from '../use-cases/list-partners.js';
import { listProductLines } from '../use-cases/list-product-lines.js';
import { setAccountChannel } from '../use-cases/set-account-channel.js';
import { updateChannelPolicy } from '../use-cases/update-channel-policy.js';
import { updatePartner } from '../use-cases/update-partner.js';

const tags = ['channel'];
const ifMatch = z.object({ 'if-match': z.string().optional() });
const Person = z.object({ id: z.uuid(), name: z.string() });
const ChannelState = { channelAssignedAt: z.string().nullable(), channelAssignedBy: z.uuid().nullable() };
const AccountChannelResponse = z.object({
  account: AccountResponse.extend({ ...ChannelState, needsReview: z.boolean() }),
  directOwner: Person.nullable(),
  channelOwner: z
    .object({
      partner: z.object({ id: z.uuid(), name: z.string(), tier: z.string(), status: z.string() }),
      channelManager: Person.nullable(),
      assignedAt: z.string().nullable(),
      assignedBy: Person.nullable(),
    })
    .nullable(),
  activeRegistrations: z.array(
    z.object({
      id: z.uuid(),
      partnerId: z.uuid(),
      partnerName: z.string(),
      productLine: z.string(),
      status: z.string(),
      amountMinor: z.number(),
      currency: z.string(),
      approvedAt: z.string().nullable(),
      expiresAt: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
  openConflicts: z.array(ConflictResponse),
});

/** Partners, their users, tiers, the channel policy, product lines, and an account's channel ownership. */
export function registerPartnerRoutes(app: App): void {
  app.get('/api/v1/partners', { config: { access: 'partner.read' }, schema: { tags, querystring: PartnerListQuery, response: { 200: listOf(PartnerResponse) } } }, async (request) =>
    listPartners(request.context(), request.query),
  );
  app.post('/api/v1/partners', { config: { access: 'partner.manage' }, schema: { tags, body: CreatePartnerSchema, response: { 201: PartnerResponse } } }, async (request, reply) => {
    const partner = await createPartner(request.context(), request.body);
    return reply.code(201).header('etag', etagOf(partner.version)).header('location', `/api/v1/partners/${partner.id}`).send(partner);
  });
  app.get('/api/v1/partners/:id', { config: { access: 'partner.read' }, schema: { tags, params: IdParams, response: { 200: PartnerDetailResponse } } }, async (request, reply) => {
    const partner = await getPartner(request.context(), request.params.id);
    return reply.header('etag', etagOf(partner.version)).send(partner);
  });
  app.patch(
    '/api/v1/partners/:id',
    { config: { access: 'partner.manage' }, schema: { tags, params: IdParams, headers: ifMatch, body: UpdatePartnerSchema, response: { 200: PartnerResponse } } },
    async (request, reply) => {
      const partner = await updatePartner(request.context(), { partnerId: request.params.id, expectedVersion: versionFromIfMatch(request.headers['if-match']), changes: request.body });
      return reply.header('etag', etagOf(partner.version)).send(partner);
    },
  );
  app.post(
    '/api/v1/partners/:id/users',
    { config: { access: 'partner.manage' }, schema: { tags, params: IdParams, body: CreatePartnerUserSchema, response: { 201: PartnerUserResponse } } },
    async (request, reply) => {
      const user = await addPartnerUser(request.context(), request.params.id, request.body);
      return reply.code(201).header('etag', etagOf(user.version)).header('location', `/api/v1/users/${user.id}`).send(user);
    },
  );
  app.get('/api/v1/partner-tiers', { config: { access: 'partner.read' }, schema: { tags, response: { 200: z.object({ items: z.array(PartnerTierResponse) }) } } }, async (request) =>
    listPartnerTiers(request.context()),
  );

  app.get('/api/v1/channel/policy', { config: { access: 'partner.read' }, schema: { tags, response: { 200: ChannelPolicyResponse } } }, async (request, reply) => {
    const policy = await getChannelPolicy(request.context());
    return reply.header('etag', etagOf(policy.version)).send(policy);
  });
  app.patch(
    '/api/v1/channel/policy',
    { config: { access: 'channel.configure' }, schema: { tags, headers: ifMatch, body: UpdateChannelPolicySchema, response: { 200: ChannelPolicyResponse } } },
    async (request, reply) => {
      const policy = await updateChannelPolicy(request.context(), { expectedVersion: versionFromIfMatch(request.headers['if-match']), changes: request.body });
      return reply.header('etag', etagOf(policy.version)).send(policy);
    },
  );

  app.get('/api/v1/product-lines', { config: { access: 'partner.read' }, schema: { tags, response: { 200: z.object({ items: z.array(ProductLineResponse) }) } } }, async (request) =>
    listProductLines(request.context()),
  );
  app.post('/api/v1/product-lines', { config: { access: 'channel.configure' }, schema: { tags, body: CreateProductLineSchema, response: { 201: ProductLineResponse } } }, async (request, reply) => {
    const line = await createProductLine(request.context(), request.body);
    return reply.code(201).header('location', `/api/v1/product-lines/${encodeURIComponent(line.code)}`).send(line);
  });

  app.get('/api/v1/accounts/:id/channel', { config: { access: 'partner.read' }, schema: { tags, params: IdParams, response: { 200: AccountChannelResponse } } }, async (request, reply) => {
    const view = await getAccountChannel(request.context(), request.params.id);
    return reply.header('etag', etagOf(view.account.version)).send(view);
  });
  app.put(
    '/api/v1/accounts/:id/channel',
    {
      config: { access: 'channel.assign' },
      schema: { tags, params: IdParams, headers: ifMatch, body: SetAccountChannelSchema, response: { 200: AccountResponse.extend({ ...ChannelState, channelPartnerId: z.uuid().nullable() }) } },
    },
    async (request, reply) => {
      const account = await setAccountChannel(request.context(), { accountId: request.params.id, expectedVersion: versionFromIfMatch(request.headers['if-match']), input: request.body });
      return reply.header('etag', etagOf(account.version)).send(account);
    },
  );
}
