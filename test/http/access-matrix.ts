import type { Role } from '../../src/platform/db/database.js';

const INTERNAL: Role[] = ['admin', 'revops', 'sales_manager', 'sales_rep', 'channel_manager', 'ops', 'finance', 'integration'];
const HUMAN_INTERNAL: Role[] = ['admin', 'revops', 'sales_manager', 'sales_rep', 'channel_manager', 'ops', 'finance'];
const EVERYONE: Role[] = [...INTERNAL, 'partner_admin', 'partner_user'];

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
};

export const ROLES_UNDER_TEST: Role[] = EVERYONE;
export { HUMAN_INTERNAL };
