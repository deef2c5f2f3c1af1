import type { Role } from '../db/database.js';

export const ROLES: readonly Role[] = [
  'admin',
  'revops',
  'sales_manager',
  'sales_rep',
  'channel_manager',
  'ops',
  'finance',
  'partner_admin',
  'partner_user',
  'integration',
];

export const PARTNER_ROLES: readonly Role[] = ['partner_admin', 'partner_user'];
export const isPartnerRole = (role: Role) => PARTNER_ROLES.includes(role);

/** Every permission a route or use case can ask for. Later features add theirs here. */
export type Permission =
  | 'user.read'
  | 'user.manage'
  | 'team.read'
  | 'team.manage'
  | 'calendar.read'
  | 'calendar.manage'
  | 'token.manage_own'
  | 'token.manage_any'
  | 'audit.read'
  | 'audit.verify'
  | 'partner.manage';

const INTERNAL_READ: Permission[] = ['user.read', 'team.read', 'calendar.read', 'token.manage_own'];

/** The one permission table. */
export const rolePermissions: Record<Role, readonly Permission[]> = {
  admin: [
    'user.read',
    'user.manage',
    'team.read',
    'team.manage',
    'calendar.read',
    'calendar.manage',
    'token.manage_own',
    'token.manage_any',
    'audit.read',
    'audit.verify',
    'partner.manage',
  ],
  revops: [...INTERNAL_READ, 'team.manage', 'calendar.manage', 'audit.read'],
  sales_manager: [...INTERNAL_READ, 'audit.read'],
  sales_rep: [...INTERNAL_READ],
  channel_manager: [...INTERNAL_READ, 'partner.manage'],
  ops: [...INTERNAL_READ],
  finance: [...INTERNAL_READ, 'audit.read'],
  partner_admin: [],
  partner_user: [],
  integration: ['user.read', 'team.read', 'calendar.read', 'token.manage_own'],
};
