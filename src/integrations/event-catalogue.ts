import { z } from 'zod';
import { UserResponse } from '../identity/http-schemas.js';
import { AUDIT_EVENT_NAMES, type AuditEventName } from '../platform/audit/events.js';
import type { NotificationKind } from '../platform/db/database.js';
import { AccountResponse, LeadResponse, OpportunityResponse } from '../routing/http-schemas.js';
import { WebhookResponse } from './http-schemas.js';

/**
 * The event catalogue: every audited mutation is an integration event whose outbox payload is
 * `{before, after, reason}` (src/platform/record-change.ts). Each entry documents the event's aggregate,
 * a schema version and the shapes of `before` and `after`.
 *
 * `exact: true` entries describe the snapshots field by field (no other fields); `exact: false` entries only
 * promise a JSON object (or null) and say in words what it holds — the honest state for events whose
 * payloads are not pinned down yet (several channel events are declared before they are emitted).
 * Bump `version` whenever a payload shape changes incompatibly; webhooks carry it as `schemaVersion`.
 */
export type CatalogueEntry = {
  version: number;
  /** The outbox `aggregate_type` (webhook `aggregate.type`) the event is emitted for. */
  aggregate: string;
  summary: string;
  exact: boolean;
  before: z.ZodType;
  after: z.ZodType;
};

const Snapshot = (what: string) => z.record(z.string(), z.unknown()).describe(what);
const none = z.null().describe('always null');

type Shapes = { before?: z.ZodType; after?: z.ZodType };
/** An event whose before/after are described only in words. */
const open = (aggregate: string, summary: string, shapes: { before?: string; after?: string } = {}): CatalogueEntry => ({
  version: 1,
  aggregate,
  summary,
  exact: false,
  before: shapes.before ? Snapshot(shapes.before).nullable() : Snapshot('unspecified; usually absent').nullable(),
  after: shapes.after ? Snapshot(shapes.after).nullable() : Snapshot('unspecified; usually absent').nullable(),
});
/** An event whose before/after are described field by field. */
const exact = (aggregate: string, summary: string, shapes: Shapes): CatalogueEntry => ({
  version: 1,
  aggregate,
  summary,
  exact: true,
  before: shapes.before ?? none,
  after: shapes.after ?? none,
});

// ---- snapshots of the records that integrations care most about -------------------------------------------
const Lead = LeadResponse.describe('the lead as GET /api/v1/leads/{id} returns it');
const Account = AccountResponse.describe('the account as GET /api/v1/accounts/{id} returns it');
const Opportunity = OpportunityResponse.describe('the opportunity as GET /api/v1/opportunities/{id} returns it');
const Item = z.object({
  id: z.uuid(),
  sku: z.string(),
  name: z.string(),
  specs: z.record(z.string(), z.unknown()),
  unitCostMinor: z.number().int(),
  currency: z.string(),
});
const CustomerTerms = z.object({
  tier: z.string(),
  creditLimitMinor: z.number().int(),
  paymentTerms: z.enum(['prepaid', 'net30', 'net60']),
});
const CycleCount = z.object({
  id: z.uuid(),
  itemId: z.uuid(),
  locationId: z.uuid(),
  expected: z.number().int(),
  counted: z.number().int(),
  variance: z.number().int(),
});
const OrderCreated = z.object({
  channelId: z.uuid(),
  accountId: z.uuid(),
  lines: z.number().int().describe('number of order lines'),
  workflowVersion: z.number().int(),
  variantId: z.uuid().nullable(),
});
const OrderImportSummary = Snapshot('historical import summary (aggregate order_import): counts of imported rows and `errors`');
const AssignmentCompact = z.object({
  assignmentId: z.uuid(),
  ownerId: z.uuid(),
  dueAt: z.string(),
  ruleId: z.string().nullable(),
  poolId: z.uuid().nullable(),
  source: z.string(),
});
const PreviousOwner = z.object({ ownerId: z.uuid(), assignmentId: z.uuid().optional() });
const User = UserResponse.describe('the user as GET /api/v1/users/{id} returns it');
const Webhook = WebhookResponse.describe('the endpoint as GET /api/v1/webhooks/{id} returns it (never the secret)');
const ROUTABLE = 'the routed record (lead, account, opportunity, …)';

/**
 * One entry per audit event name. `satisfies Record<AuditEventName, …>` makes a missing entry a type error,
 * and test/integrations/event-catalogue.test.ts checks it at run time against AUDIT_EVENT_NAMES.
 */
export const EVENT_CATALOGUE = {
  'user.created': exact('user', 'A user was created.', { after: User }),
  'user.updated': exact('user', 'A user’s profile, role, team or calendar changed.', { before: User, after: User }),
  'user.deactivated': exact('user', 'A user was deactivated; their sessions and tokens stop working.', { before: User, after: User }),
  'user.reactivated': open('user', 'A deactivated user was reactivated.', { before: 'user snapshot', after: 'user snapshot' }),
  'user.password_changed': open('user', 'A user’s password changed (never the password or its hash).'),
  'team.created': open('team', 'A team was created.', { after: 'team snapshot' }),
  'team.updated': open('team', 'A team changed.', { before: 'team snapshot', after: 'team snapshot' }),
  'calendar.created': open('calendar', 'A business calendar was created.', { after: 'calendar snapshot' }),
  'calendar.updated': open('calendar', 'A business calendar changed.', { before: 'calendar snapshot', after: 'calendar snapshot' }),
  'partner.created': open('partner', 'A channel partner was created.', { after: 'partner snapshot' }),
  'partner.updated': open('partner', 'A channel partner changed.', { before: 'partner snapshot', after: 'partner snapshot' }),
  'partner_user.created': open('user', 'A partner portal user was created.', { after: 'partner user snapshot' }),
  'partner_user.deactivated': open('user', 'A partner portal user was deactivated.'),
  'channel_policy.updated': open('channel_policy', 'The channel policy (registration rules, protection periods) changed.', {
    before: 'policy',
    after: 'policy',
  }),
  'product_line.created': open('product_line', 'A product line was created.', { after: 'product line snapshot' }),
  'account.channel_owner_set': open('account', 'An account’s channel owner (partner / channel manager) was set.', {
    before: 'previous channel owner',
    after: 'new channel owner',
  }),
  'account.match_recorded': open('account', 'A registration was matched against an existing account.', { after: 'match details' }),
  'registration.submitted': open('registration', 'A partner submitted a deal registration.', { after: 'registration snapshot' }),
  'registration.updated': open('registration', 'A deal registration changed.', {
    before: 'registration snapshot',
    after: 'registration snapshot',
  }),
  'registration.review_started': open('registration', 'A channel manager started reviewing a registration.'),
  'registration.approved': open('registration', 'A registration was approved; the partner’s protection starts.', {
    after: 'registration snapshot',
  }),
  'registration.rejected': open('registration', 'A registration was rejected (reason in `reason`).'),
  'registration.returned': open('registration', 'A registration was returned to the partner for changes.'),
  'registration.resubmitted': open('registration', 'A returned registration was resubmitted.'),
  'registration.activity_logged': open('registration', 'Activity was logged on a registration (keeps protection alive).'),
  'registration.expiry_warned': open('registration', 'The partner was warned that a registration will expire.'),
  'registration.expired': open('registration', 'A registration’s protection expired.'),
  'registration.extended': open('registration', 'A registration’s protection was extended.'),
  'registration.reassigned': open('registration', 'A registration was reassigned.'),
  'registration.opened_to_direct': open('registration', 'A registration was opened to the direct sales team.'),
  'registration.won': open('registration', 'A registered deal was won.'),
  'registration.lost': open('registration', 'A registered deal was lost.'),
  'registration.withdrawn': open('registration', 'A partner withdrew a registration.'),
  'conflict.opened': open('conflict_case', 'A channel conflict case was opened.', { after: 'case details' }),
  'conflict.resolved': open('conflict_case', 'A channel conflict case was resolved.'),
  'expiry_decision.opened': open('expiry_decision', 'A decision on an expiring registration is due.'),
  'expiry_decision.decided': open('expiry_decision', 'A decision on an expiring registration was taken.'),
  'token.created': open('api_token', 'An API token was created (never the token itself).', { after: 'token metadata' }),
  'token.revoked': open('api_token', 'An API token was revoked.', { before: 'token metadata', after: 'token metadata' }),
  'session.created': exact('session', 'A user signed in.', {
    after: z.object({ userId: z.uuid(), expiresAt: z.string(), ip: z.string().nullable() }),
  }),
  'session.revoked': exact('session', 'A session ended (sign-out or revocation).', {}),
  'lead.created': exact('lead', 'A lead was created (by the API, an import or inbound sync).', { after: Lead }),
  'lead.updated': exact('lead', 'A lead changed.', { before: Lead, after: Lead }),
  'account.created': exact('account', 'An account was created.', { after: Account }),
  'account.updated': exact('account', 'An account changed.', { before: Account, after: Account }),
  'opportunity.created': exact('opportunity', 'An opportunity was created.', { after: Opportunity }),
  'opportunity.updated': exact('opportunity', 'An opportunity changed without a stage change.', {
    before: Opportunity,
    after: Opportunity,
  }),
  'opportunity.stage_changed': exact('opportunity', 'An opportunity moved to another stage (Won/Lost close its ownership).', {
    before: Opportunity,
    after: Opportunity,
  }),
  'activity.logged': open(ROUTABLE, 'An activity (call, email, meeting, note, task) was logged on a record.', {
    after: 'activity snapshot',
  }),
  'queue.created': open('queue', 'A work queue was created.', { after: 'queue snapshot' }),
  'escalation_policy.created': open('escalation_policy', 'An escalation policy was created.', { after: 'policy snapshot' }),
  'pool.created': open('pool', 'An assignment pool was created.', { after: 'pool snapshot with members' }),
  'pool.updated': open('pool', 'An assignment pool changed.', {
    before: 'pool snapshot with members',
    after: 'pool snapshot with members',
  }),
  'absence.created': open('user', 'An absence was recorded for a user.', { after: 'absence' }),
  'absence.deleted': open('user', 'An absence was removed.', { before: 'absence' }),
  'ruleset.created': open('ruleset', 'A routing rule set draft was created.', { after: 'rule set snapshot' }),
  'ruleset.updated': open('ruleset', 'A routing rule set draft changed.', { before: 'rule set snapshot', after: 'rule set snapshot' }),
  'ruleset.submitted': open('ruleset', 'A rule set was submitted for approval.', {
    before: 'rule set snapshot',
    after: 'rule set snapshot',
  }),
  'ruleset.published': open('ruleset', 'A rule set version went live.', { before: 'rule set snapshot', after: 'rule set snapshot' }),
  'ruleset.retired': open('ruleset', 'A rule set version was retired.', { before: 'rule set snapshot', after: 'rule set snapshot' }),
  'ruleset.approved': open('ruleset', 'A submitted rule set was approved.'),
  'ruleset.returned': open('ruleset', 'A submitted rule set was returned to its author.', {
    before: 'rule set snapshot',
    after: 'rule set snapshot',
  }),
  'notification.read': open('notification', 'Notifications were marked read.'),
  'routing_policy.updated': open('routing_policy', 'The routing policy changed.', { before: 'policy', after: 'policy' }),
  'assignment.created': exact(ROUTABLE, 'A record got an owner (rule, pool, manual, escalation, import or hand-off).', {
    before: PreviousOwner.nullable(),
    after: AssignmentCompact.describe('the assignment; its explanation is in GET /api/v1/records/{type}/{id}/ownership'),
  }),
  'assignment.acknowledged': exact(ROUTABLE, 'The owner acknowledged an assignment.', {
    after: z.object({ assignmentId: z.uuid(), acknowledgedAt: z.string(), onTime: z.boolean() }),
  }),
  'assignment.closed': exact(ROUTABLE, 'A record’s ownership closed (won, lost, converted, …).', {
    before: z.object({ assignmentId: z.uuid(), ownerId: z.uuid() }),
  }),
  'record.unassigned': exact(ROUTABLE, 'Routing found no owner; the record waits in the unassigned queue.', {
    after: z.object({ reasonCode: z.string(), ownerKept: z.uuid().nullable() }),
  }),
  'escalation.fired': open(ROUTABLE, 'An SLA escalation step fired.', { after: 'timerId, assignmentId, action, step, ownerId, outcome' }),
  'override.requested': open(ROUTABLE, 'A reassignment needing approval was requested.', {
    after: 'overrideRequestId, toUserId, approvalReason',
  }),
  'override.approved': open(ROUTABLE, 'A reassignment request was approved.'),
  'override.rejected': open(ROUTABLE, 'A reassignment request was rejected.'),
  'notification.created': open('notification', 'A notification was created.'),
  'report.exceptions_generated': open('exception_report', 'The weekly routing-exceptions report was generated.', {
    after: 'period and totals',
  }),
  'channel.created': open('channel', 'A sales channel was created.', { after: 'channel snapshot' }),
  'location.created': open('location', 'A stock location was created.', { after: 'location snapshot' }),
  'item.created': exact('item', 'An item (SKU) was created.', { after: Item }),
  'item.updated': exact('item', 'An item’s name, specs or cost changed (inbound sync).', { before: Item, after: Item }),
  'price_list.created': open('price_list', 'A price list was created.', { after: 'price list snapshot' }),
  'customer_terms.set': exact('account', 'An account’s customer terms (tier, credit limit, payment terms) were set.', {
    before: CustomerTerms.nullable(),
    after: CustomerTerms.extend({ accountId: z.uuid() }),
  }),
  'rebate_program.created': open('rebate_program', 'A rebate program was created.', { after: 'rebate program snapshot' }),
  'stock.adjusted': open('stock_level', 'Stock was adjusted by hand (aggregate id = item id).', {
    after: 'stock level with bucket and delta',
  }),
  'stock.counted': exact('cycle_count', 'A cycle count was recorded; a variance is posted to the ledger.', { after: CycleCount }),
  'quote.created': open('quote', 'A quote was created (also when a won opportunity hands off).', {
    after: 'quote snapshot, or opportunityId/ownerId/channelId on hand-off',
  }),
  'quote.accepted': open('quote', 'A quote was accepted and became an order.', { after: 'orderId' }),
  'order.created': exact(
    'sales_order',
    'An order was placed (aggregate sales_order); a historical import emits one summary event (aggregate order_import).',
    {
      after: z.union([OrderCreated.describe('aggregate sales_order'), OrderImportSummary]),
    },
  ),
  'order.allocated': open('sales_order', 'Stock was allocated to an order.', { after: 'allocations' }),
  'order.allocation_refused': open('sales_order', 'An allocation was refused (a gate failed or stock was short); nothing was allocated.', {
    after: 'decisionId, shortages (line, item, requested, short), refused gate text, exceptionCases',
  }),
  'order.allocation_released': open('sales_order', 'An order’s allocation was released.'),
  'order.release_decided': open('sales_order', 'The release gates decided on an order (released or held).', {
    after: 'outcome and failed gates',
  }),
  'order.cancelled': exact('sales_order', 'An order was cancelled (reason in `reason`).', {}),
  'hold.released': open('hold', 'An order hold was released.', { before: 'releasedAt: null', after: 'releasedAt and hold type' }),
  'shipment.created': open('shipment', 'A shipment was created.', { after: 'shipment snapshot' }),
  'shipment.confirmed': open('shipment', 'A shipment was confirmed shipped.', { after: 'orderId and lines' }),
  'invoice.posted': open('invoice', 'An invoice was posted.', { after: 'invoice snapshot' }),
  'return.authorized': open('return', 'A return was authorized.', { after: 'return snapshot' }),
  'return.received': open('return', 'Returned goods were received.', { after: 'return snapshot' }),
  'credit_memo.posted': open('credit_memo', 'A credit memo was posted.', { after: 'credit memo snapshot' }),
  'purchase_order.created': open('purchase_order', 'A purchase order was created.', { after: 'purchase order snapshot' }),
  'purchase_order.approved': open('purchase_order', 'A purchase order was approved.', {
    before: 'status',
    after: 'purchase order snapshot',
  }),
  'purchase_order.received': open('purchase_order', 'Goods on a purchase order were received.', { after: 'purchase order snapshot' }),
  'transfer.shipped': open('transfer', 'A stock transfer was shipped.', { after: 'transfer snapshot' }),
  'transfer.received': open('transfer', 'A stock transfer was received.', { after: 'transfer snapshot' }),
  'variant.created': open('workflow_variant', 'A workflow variant was created.', { after: 'variant snapshot' }),
  'variant.activated': open('workflow_variant', 'A workflow variant was activated.', { before: 'status', after: 'variant snapshot' }),
  'order_exception.opened': open('order_exception', 'An order exception case was opened.', { after: 'controlPoint, category, detail' }),
  'order_exception.resolved': open('order_exception', 'An order exception case was resolved.', { before: 'status', after: 'status' }),
  'webhook.created': exact('webhook_endpoint', 'A webhook endpoint was registered.', { after: Webhook }),
  'webhook.updated': exact('webhook_endpoint', 'A webhook endpoint changed.', { before: Webhook, after: Webhook }),
  'webhook.secret_rotated': exact('webhook_endpoint', 'A webhook secret was rotated; previous secrets sign until they expire.', {
    after: z.object({ previousSecretsExpireAt: z.string() }),
  }),
  'webhook.disabled': exact('webhook_endpoint', 'A webhook endpoint was disabled because its receiver answered 410 Gone.', {
    before: z.object({ enabled: z.literal(true) }),
    after: z.object({ enabled: z.literal(false) }),
  }),
  'webhook.delivery_replayed': open('webhook_delivery', 'A webhook delivery was replayed by hand.', { before: 'status and attempts' }),
  'webhook.dead_lettered': open('webhook_delivery', 'A webhook delivery exhausted its retries.', {
    after: 'endpointId, eventId, eventType, attempts',
  }),
  'import.created': open('import', 'A CSV import job was created (upload or file) and queued.', {
    after: 'recordType, mode, dryRun, preset, fileName',
  }),
  'import.resumed': open('import', 'A stopped or failed CSV import was queued again; it continues after its last committed line.', {
    before: 'status, checkpointLine',
    after: 'status, checkpointLine',
  }),
  'import.finished': open('import', 'A CSV import job reached a final state (done, rejected or failed) with its counters.', {
    after: 'status and the job counters (lines, applied, skipped, errors, warnings)',
  }),
} satisfies Record<AuditEventName, CatalogueEntry>;

/**
 * Inbox notifications are not audited (the change that caused them is), but each is an outbox event
 * `notification.<kind>` with a payload of its own, so integrators can mirror a user's inbox.
 */
const NOTIFICATION_SUMMARIES = {
  assigned: 'A record was assigned to the user (bulk routing sends one per owner per batch, without a record id).',
  due_soon: 'An assignment (or a deal registration) the user owns is due soon.',
  breached: 'An assignment breached its SLA.',
  escalated: 'An SLA escalation step notified the user.',
  approval_needed: 'Something waits for the user’s approval (an override, a rule set).',
  approval_decided: 'A request the user made was approved or rejected.',
  exception_report: 'The weekly routing-exceptions report is ready.',
} satisfies Record<NotificationKind, string>;
const NOTIFICATION_KINDS = Object.keys(NOTIFICATION_SUMMARIES) as NotificationKind[];

export const NotificationPayload = z.strictObject({
  userId: z.uuid().describe('whose inbox'),
  kind: z.enum(NOTIFICATION_KINDS),
  recordType: z.string().nullable(),
  recordId: z.string().nullable(),
  title: z.string(),
});

export const NOTIFICATION_EVENT_TYPES = NOTIFICATION_KINDS.map((kind) => `notification.${kind}`);
const NOTIFICATION_EVENT_VERSION = 1;

/** The outbox payload schema of one event type. */
export function payloadSchema(type: AuditEventName): z.ZodType {
  const entry: CatalogueEntry = EVENT_CATALOGUE[type];
  return z.strictObject({
    before: entry.before,
    after: entry.after,
    reason: z.string().nullable().describe('why the change was made, when the actor gave (or the system recorded) a reason'),
  });
}

export function eventSchemaVersion(type: string): number | null {
  if (type in EVENT_CATALOGUE) return EVENT_CATALOGUE[type as AuditEventName].version;
  return NOTIFICATION_EVENT_TYPES.includes(type) ? NOTIFICATION_EVENT_VERSION : null;
}

type JsonSchema = Record<string, unknown>;
const jsonSchemaOf = (schema: z.ZodType): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

export type PublishedEvent = {
  type: string;
  version: number;
  aggregate: string;
  summary: string;
  exact: boolean;
  payloadSchema: JsonSchema;
};

let published: PublishedEvent[] | undefined;
/** The catalogue as JSON Schema (draft 2020-12): the audited events in the order of AUDIT_EVENT_NAMES, then the notifications. Computed once. */
export function publishedCatalogue(): PublishedEvent[] {
  published ??= [
    ...AUDIT_EVENT_NAMES.map((type) => {
      const entry: CatalogueEntry = EVENT_CATALOGUE[type];
      return {
        type,
        version: entry.version,
        aggregate: entry.aggregate,
        summary: entry.summary,
        exact: entry.exact,
        payloadSchema: jsonSchemaOf(payloadSchema(type)),
      };
    }),
    ...NOTIFICATION_KINDS.map((kind) => ({
      type: `notification.${kind}`,
      version: NOTIFICATION_EVENT_VERSION,
      aggregate: 'notification',
      summary: NOTIFICATION_SUMMARIES[kind],
      exact: true,
      payloadSchema: jsonSchemaOf(NotificationPayload.extend({ kind: z.literal(kind) })),
    })),
  ];
  return published;
}

/** The JSON Schema of the webhook body Baton POSTs (see deliver-due-webhooks.ts); `data` is the event's payload. */
export const webhookEnvelopeSchema = (): JsonSchema => ({
  type: 'object',
  required: ['id', 'type', 'schemaVersion', 'occurredAt', 'aggregate', 'data'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', format: 'uuid', description: 'the event id; the same on every retry and replay (also the webhook-id header)' },
    type: { type: 'string', description: 'the event type, a key of the catalogue' },
    schemaVersion: { type: 'integer', description: 'version of this event type’s payload schema in the catalogue' },
    occurredAt: { type: 'string', format: 'date-time' },
    aggregate: {
      type: 'object',
      required: ['type', 'id', 'version'],
      additionalProperties: false,
      properties: {
        type: { type: 'string' },
        id: { type: 'string' },
        version: {
          type: 'integer',
          description: 'per-aggregate sequence number; drop an event whose version is not above the last one applied',
        },
      },
    },
    data: {
      description:
        'the outbox payload — {before, after, reason} for audited changes, the inbox entry for notification.* — see the event’s payloadSchema',
    },
  },
});

/**
 * The catalogue inside the OpenAPI document, as the `x-event-catalogue` extension: the webhook envelope and
 * every event with its version and payload schema. (OpenAPI 3.1 `webhooks` would fit too, but the web
 * client's types are generated from this document and would grow by ~9,000 lines nobody uses.)
 */
export function openApiEventCatalogue(): Record<string, unknown> {
  return {
    'x-event-catalogue': {
      href: '/api/v1/events/catalogue',
      description:
        'Every audited mutation and every inbox notification is an integration event; webhooks POST the envelope, signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature).',
      envelope: webhookEnvelopeSchema(),
      events: publishedCatalogue(),
    },
  };
}
