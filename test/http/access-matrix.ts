import type { Role } from '../../src/platform/db/database.js';

const INTERNAL: Role[] = ['admin', 'revops', 'sales_manager', 'sales_rep', 'channel_manager', 'ops', 'finance', 'integration'];
const HUMAN_INTERNAL: Role[] = ['admin', 'revops', 'sales_manager', 'sales_rep', 'channel_manager', 'ops', 'finance'];
const EVERYONE: Role[] = [...INTERNAL, 'partner_admin', 'partner_user'];
const RECORD_WRITERS: Role[] = ['admin', 'revops', 'sales_manager', 'sales_rep', 'channel_manager', 'integration'];
const ROUTING_ADMINS: Role[] = ['admin', 'revops'];
const ROUTING_MANAGERS: Role[] = ['admin', 'revops', 'sales_manager'];
const PARTNER_READERS: Role[] = ['admin', 'revops', 'sales_manager', 'sales_rep', 'channel_manager', 'finance', 'integration'];

/**
 * Who may call what, written down by hand — independent of the permission table it checks.
 * Every route the server registers must appear here, and nothing else may.
 */
export const accessMatrix: Record<string, 'public' | Role[]> = {
  'GET /api/health': 'public',
  'GET /metrics': 'public',
  'GET /api/openapi.json': 'public',
  'POST /api/v1/session': 'public',
  'DELETE /api/v1/session': EVERYONE,
  'GET /api/v1/me': EVERYONE,

  'GET /api/v1/users': INTERNAL,
  'POST /api/v1/users': ['admin'],
  'GET /api/v1/users/:id': INTERNAL,
  'PATCH /api/v1/users/:id': ['admin'],
  'POST /api/v1/users/:id/deactivate': ['admin'],

  'GET /api/v1/teams': INTERNAL,
  'POST /api/v1/teams': ['admin', 'revops'],
  'GET /api/v1/teams/:id': INTERNAL,
  'PATCH /api/v1/teams/:id': ['admin', 'revops'],

  'GET /api/v1/calendars': INTERNAL,
  'POST /api/v1/calendars': ['admin', 'revops'],
  'GET /api/v1/calendars/:id': INTERNAL,
  'PATCH /api/v1/calendars/:id': ['admin', 'revops'],

  'GET /api/v1/tokens': INTERNAL,
  'POST /api/v1/tokens': INTERNAL,
  'DELETE /api/v1/tokens/:id': INTERNAL,

  'GET /api/v1/audit': ['admin', 'revops', 'sales_manager', 'finance'],
  'GET /api/v1/audit/verify': ['admin'],

  // ---- routing: records --------------------------------------------------------------------------
  ...Object.fromEntries(
    ['leads', 'accounts', 'opportunities'].flatMap((path) => [
      [`GET /api/v1/${path}`, INTERNAL],
      [`POST /api/v1/${path}`, RECORD_WRITERS],
      [`GET /api/v1/${path}/:id`, INTERNAL],
      [`PATCH /api/v1/${path}/:id`, RECORD_WRITERS],
      [`POST /api/v1/${path}/:id/activities`, RECORD_WRITERS],
    ]),
  ),
  'GET /api/v1/records/:type/:id/ownership': INTERNAL,

  // ---- routing: ownership ------------------------------------------------------------------------
  'GET /api/v1/assignments': INTERNAL,
  'POST /api/v1/assignments/:id/acknowledge': INTERNAL,
  'POST /api/v1/records/:type/:id/reassign': ['admin', 'revops', 'sales_manager', 'channel_manager'],
  'POST /api/v1/override-requests/:id/approve': ROUTING_MANAGERS,
  'POST /api/v1/override-requests/:id/reject': ROUTING_MANAGERS,

  // ---- routing: pools, queues, policies ------------------------------------------------------------
  'GET /api/v1/pools': RECORD_WRITERS,
  'POST /api/v1/pools': ROUTING_ADMINS,
  'GET /api/v1/pools/:id': RECORD_WRITERS,
  'PATCH /api/v1/pools/:id': ROUTING_ADMINS,
  'GET /api/v1/queues': RECORD_WRITERS,
  'POST /api/v1/queues': ROUTING_ADMINS,
  'GET /api/v1/escalation-policies': RECORD_WRITERS,
  'POST /api/v1/escalation-policies': ROUTING_ADMINS,
  'GET /api/v1/absences': HUMAN_INTERNAL,
  'POST /api/v1/absences': HUMAN_INTERNAL,
  'POST /api/v1/routing/route': [...ROUTING_ADMINS, 'integration'],
  'POST /api/v1/routing/route-batch': [...ROUTING_ADMINS, 'integration'],

  // ---- routing: rule sets, simulation, policy ----------------------------------------------------
  'GET /api/v1/rulesets': RECORD_WRITERS,
  'POST /api/v1/rulesets': ROUTING_ADMINS,
  'GET /api/v1/rulesets/:id': RECORD_WRITERS,
  'PATCH /api/v1/rulesets/:id': ROUTING_ADMINS,
  'POST /api/v1/rulesets/:id/copy': ROUTING_ADMINS,
  'POST /api/v1/rulesets/:id/publish': ROUTING_ADMINS,
  'POST /api/v1/rulesets/:id/approve': ROUTING_ADMINS,
  'POST /api/v1/rulesets/:id/return': ROUTING_ADMINS,
  'POST /api/v1/rulesets/:id/retire': ROUTING_ADMINS,
  'POST /api/v1/rulesets/validate': RECORD_WRITERS,
  'POST /api/v1/rulesets/test': RECORD_WRITERS,
  'POST /api/v1/routing/simulate': ROUTING_MANAGERS,
  'GET /api/v1/routing/policy': ROUTING_ADMINS,
  'PATCH /api/v1/routing/policy': ROUTING_ADMINS,

  // ---- routing: queues, inbox, reports -------------------------------------------------------------
  'GET /api/v1/queues/risk': [...ROUTING_MANAGERS, 'channel_manager'],
  'GET /api/v1/queues/unassigned': [...ROUTING_MANAGERS, 'channel_manager'],
  'GET /api/v1/me/work': INTERNAL,
  'GET /api/v1/me/notifications': HUMAN_INTERNAL,
  'POST /api/v1/me/notifications/read': HUMAN_INTERNAL,
  'GET /api/v1/override-requests': INTERNAL,
  'GET /api/v1/reports/routing-exceptions': ROUTING_MANAGERS,
  'GET /api/v1/reports/routing-exceptions/csv': ROUTING_MANAGERS,
  'GET /api/v1/reports/routing-exceptions/weekly': ROUTING_MANAGERS,
  'GET /api/v1/kpis/routing': ROUTING_MANAGERS,
  // ---- orders --------------------------------------------------------------------------------------
  'GET /api/v1/channels': INTERNAL,
  'POST /api/v1/channels': ['admin', 'revops'],
  'GET /api/v1/items': INTERNAL,
  'POST /api/v1/items': ['admin', 'ops'],
  'GET /api/v1/locations': INTERNAL,
  'POST /api/v1/locations': ['admin', 'ops'],
  'POST /api/v1/price-lists': ['admin', 'revops'],
  'POST /api/v1/rebate-programs': ['admin', 'revops'],
  'PUT /api/v1/accounts/:id/terms': ['admin', 'revops'],
  'GET /api/v1/stock': INTERNAL,
  'POST /api/v1/stock/adjustments': ['admin', 'ops'],
  'POST /api/v1/stock/counts': ['admin', 'ops'],
  'POST /api/v1/quotes': ['admin', 'sales_manager', 'sales_rep', 'ops', 'integration'],
  'POST /api/v1/quotes/:id/accept': ['admin', 'sales_manager', 'sales_rep', 'ops', 'integration'],
  'GET /api/v1/orders': INTERNAL,
  'POST /api/v1/orders': ['admin', 'sales_manager', 'sales_rep', 'ops', 'integration'],
  'GET /api/v1/orders/:id': INTERNAL,
  'POST /api/v1/orders/:id/allocate': ['admin', 'sales_manager', 'sales_rep', 'ops', 'integration'],
  'POST /api/v1/orders/:id/release': ['admin', 'sales_manager', 'ops', 'finance'],
  'POST /api/v1/orders/:id/cancel': ['admin', 'sales_manager', 'sales_rep', 'ops', 'integration'],
  'POST /api/v1/holds/:id/release': ['admin', 'sales_manager', 'ops', 'finance'],
  'GET /api/v1/exceptions': INTERNAL,
  'POST /api/v1/exceptions/:id/resolve': ['admin', 'sales_manager', 'ops', 'finance'],
  'POST /api/v1/shipments': ['admin', 'sales_manager', 'sales_rep', 'ops', 'integration'],
  'POST /api/v1/shipments/:id/confirm': ['admin', 'sales_manager', 'sales_rep', 'ops', 'integration'],
  'POST /api/v1/invoices': ['admin', 'finance'],
  'POST /api/v1/returns': ['admin', 'sales_manager', 'ops'],
  'POST /api/v1/returns/:id/receive': ['admin', 'sales_manager', 'ops'],
  'POST /api/v1/credit-memos': ['admin', 'ops', 'finance'],
  'POST /api/v1/purchase-orders': ['admin', 'ops'],
  'POST /api/v1/purchase-orders/:id/approve': ['admin', 'finance'],
  'POST /api/v1/receipts': ['admin', 'ops'],
  'POST /api/v1/transfers': ['admin', 'ops'],
  'POST /api/v1/transfers/:id/receive': ['admin', 'ops'],
  'GET /api/v1/variants': INTERNAL,
  'POST /api/v1/variants': ['admin', 'revops'],
  'POST /api/v1/variants/:id/activate': ['admin', 'revops'],
  'GET /api/v1/kpis/orders': ['admin', 'revops', 'sales_manager', 'channel_manager', 'ops', 'finance'],
  'GET /api/v1/kpis/orders/csv': ['admin', 'revops', 'sales_manager', 'channel_manager', 'ops', 'finance'],
  'POST /api/v1/orders/:id/release-allocations': ['admin', 'sales_manager', 'sales_rep', 'ops', 'integration'],
  'GET /api/v1/returns': INTERNAL,
  'GET /api/v1/returns/:id': INTERNAL,
  'GET /api/v1/credit-memos': INTERNAL,
  'GET /api/v1/credit-memos/:id': INTERNAL,
  'GET /api/v1/purchase-orders': INTERNAL,
  'GET /api/v1/purchase-orders/:id': INTERNAL,
  'GET /api/v1/transfers': INTERNAL,
  'GET /api/v1/transfers/:id': INTERNAL,

  // ---- integrations: webhooks ----------------------------------------------------------------------
  'GET /api/v1/webhooks': ['admin', 'revops', 'integration'],
  'POST /api/v1/webhooks': ['admin', 'revops', 'integration'],
  'GET /api/v1/webhooks/:id': ['admin', 'revops', 'integration'],
  'PATCH /api/v1/webhooks/:id': ['admin', 'revops', 'integration'],
  'POST /api/v1/webhooks/:id/rotate-secret': ['admin', 'revops', 'integration'],
  'GET /api/v1/webhooks/:id/deliveries': ['admin', 'revops', 'integration'],
  'POST /api/v1/webhooks/deliveries/:id/replay': ['admin', 'revops', 'integration'],
  'PUT /api/v1/sync/:source/:type/:externalId': ['admin', 'revops', 'integration'],
  // ---- integrations: event catalogue and bulk sync ----
  'GET /api/v1/events/catalogue': 'public',
  'POST /api/v1/sync/:source/bulk': ['admin', 'revops', 'integration'],

  // ---- channel: account matching (preview, writes nothing) -----------------------------------------
  'POST /api/v1/accounts/match': INTERNAL,
  // ---- channel: registrations and expiry decisions -----------------------------------------------
  'GET /api/v1/registrations': ['admin', 'revops', 'channel_manager', 'integration'],
  'POST /api/v1/registrations': ['admin', 'channel_manager', 'integration'],
  'GET /api/v1/registrations/:id': ['admin', 'revops', 'channel_manager', 'integration'],
  'POST /api/v1/registrations/:id/approve': ['admin', 'channel_manager'],
  'POST /api/v1/registrations/:id/reject': ['admin', 'channel_manager'],
  'POST /api/v1/registrations/:id/return': ['admin', 'channel_manager'],
  'POST /api/v1/registrations/:id/activities': ['admin', 'channel_manager', 'integration'],
  'POST /api/v1/registrations/:id/close': ['admin', 'channel_manager', 'integration'],
  'GET /api/v1/expiry-decisions': ['admin', 'revops', 'channel_manager', 'integration'],
  'POST /api/v1/expiry-decisions/:id/decide': ['admin', 'channel_manager'],
  // ---- channel: partners, account channel, conflicts, scorecards --------------------------------------
  'GET /api/v1/partners': PARTNER_READERS,
  'POST /api/v1/partners': ['admin', 'channel_manager'],
  'GET /api/v1/partners/:id': PARTNER_READERS,
  'PATCH /api/v1/partners/:id': ['admin', 'channel_manager'],
  'POST /api/v1/partners/:id/users': ['admin', 'channel_manager'],
  'GET /api/v1/partner-tiers': PARTNER_READERS,
  'GET /api/v1/channel/policy': PARTNER_READERS,
  'PATCH /api/v1/channel/policy': ['admin', 'revops', 'channel_manager'],
  'GET /api/v1/product-lines': PARTNER_READERS,
  'POST /api/v1/product-lines': ['admin', 'revops', 'channel_manager'],
  'GET /api/v1/accounts/:id/channel': PARTNER_READERS,
  'PUT /api/v1/accounts/:id/channel': ['admin', 'channel_manager'],
  'GET /api/v1/conflicts': ['admin', 'revops', 'sales_manager', 'channel_manager'],
  'GET /api/v1/conflicts/:id': ['admin', 'revops', 'sales_manager', 'channel_manager'],
  'POST /api/v1/conflicts/:id/resolve': ['admin', 'sales_manager', 'channel_manager'],
  'POST /api/v1/conflicts/scan': ['admin', 'sales_manager', 'channel_manager'],
  'GET /api/v1/scorecards': ['admin', 'revops', 'sales_manager', 'channel_manager', 'finance'],
  'GET /api/v1/scorecards/csv': ['admin', 'revops', 'sales_manager', 'channel_manager', 'finance'],
  'GET /api/v1/scorecards/:partnerId': ['admin', 'revops', 'sales_manager', 'channel_manager', 'finance'],
  // ---- partner portal: partner roles only ------------------------------------------------------------
  'GET /api/partner/v1/partner': ['partner_admin', 'partner_user'],
  'GET /api/partner/v1/accounts': ['partner_admin', 'partner_user'],
  'GET /api/partner/v1/accounts/:id': ['partner_admin', 'partner_user'],
  'GET /api/partner/v1/products': ['partner_admin', 'partner_user'],
  'GET /api/partner/v1/notices': ['partner_admin', 'partner_user'],
  'POST /api/partner/v1/notices/read': ['partner_admin', 'partner_user'],
  'GET /api/partner/v1/registrations': ['partner_admin', 'partner_user'],
  'GET /api/partner/v1/registrations/:id': ['partner_admin', 'partner_user'],

  // ---- integrations: CSV imports and exports ---------------------------------------------------------
  'GET /api/v1/imports': ['admin', 'revops', 'integration'],
  'POST /api/v1/imports': ['admin', 'revops', 'integration'],
  'GET /api/v1/imports/:id': ['admin', 'revops', 'integration'],
  'GET /api/v1/imports/:id/errors': ['admin', 'revops', 'integration'],
  'POST /api/v1/imports/:id/resume': ['admin', 'revops', 'integration'],
  'GET /api/v1/exports/audit.csv': ['admin', 'revops', 'sales_manager', 'finance'],
  'GET /api/v1/exports/assignments.csv': INTERNAL,
  'GET /api/v1/exports/registrations.csv': ['admin', 'revops', 'channel_manager', 'integration'],
  'GET /api/v1/exports/orders.csv': INTERNAL,
  'GET /api/v1/exports/routing-kpis.csv': ROUTING_MANAGERS,
  'GET /api/v1/exports/order-kpis.csv': ['admin', 'revops', 'sales_manager', 'channel_manager', 'ops', 'finance'],
  'POST /api/partner/v1/registrations': ['partner_admin', 'partner_user'],
  'POST /api/partner/v1/registrations/:id/resubmit': ['partner_admin', 'partner_user'],
  'POST /api/partner/v1/registrations/:id/activities': ['partner_admin', 'partner_user'],
  'POST /api/partner/v1/registrations/:id/withdraw': ['partner_admin', 'partner_user'],
  'GET /api/partner/v1/users': ['partner_admin', 'partner_user'],
  'POST /api/partner/v1/users': ['partner_admin'],
  'POST /api/partner/v1/users/:id/deactivate': ['partner_admin'],
};

// ---- inbound sync: the integration role holds stock.manage and order.configure (items, stock counts, customer terms) ----
for (const route of [
  'POST /api/v1/channels',
  'POST /api/v1/items',
  'POST /api/v1/locations',
  'POST /api/v1/price-lists',
  'POST /api/v1/rebate-programs',
  'PUT /api/v1/accounts/:id/terms',
  'POST /api/v1/stock/adjustments',
  'POST /api/v1/stock/counts',
  'POST /api/v1/purchase-orders',
  'POST /api/v1/receipts',
  'POST /api/v1/transfers',
  'POST /api/v1/transfers/:id/receive',
]) {
  const allowed = accessMatrix[route];
  if (Array.isArray(allowed) && !allowed.includes('integration')) allowed.push('integration');
}

export const ROLES_UNDER_TEST: Role[] = EVERYONE;
export { HUMAN_INTERNAL };
