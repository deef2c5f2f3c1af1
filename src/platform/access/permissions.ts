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
  | 'partner.manage'
  | 'record.read'
  | 'record.write'
  | 'activity.log'
  | 'ruleset.read'
  | 'ruleset.write'
  | 'ruleset.publish'
  | 'pool.read'
  | 'pool.manage'
  | 'routing.route'
  | 'routing.simulate'
  | 'routing.configure'
  | 'assignment.read'
  | 'assignment.override'
  | 'override.approve'
  | 'absence.manage_own'
  | 'absence.manage_any'
  | 'queue.risk'
  | 'report.routing'
  | 'notification.read_own'
  | 'order.read'
  | 'order.write'
  | 'order.release'
  | 'order.configure'
  | 'stock.manage'
  | 'invoice.post'
  | 'return.manage'
  | 'credit.goods'
  | 'credit.price'
  | 'variant.manage'
  | 'purchase.approve'
  | 'kpi.read'
  | 'integration.manage'
  // channel (internal)
  | 'partner.read'
  | 'channel.assign'
  | 'channel.configure'
  | 'registration.read'
  | 'registration.submit'
  | 'registration.review'
  | 'registration.close'
  | 'conflict.read'
  | 'conflict.resolve'
  | 'expiry.decide'
  | 'scorecard.read'
  // partner portal (/api/partner/v1/*): always scoped to the actor's own partner
  | 'portal.registration.read'
  | 'portal.registration.write'
  | 'portal.account.read'
  | 'portal.product.read'
  | 'portal.notice.read'
  | 'portal.user.read'
  | 'portal.user.manage';

const INTERNAL_READ: Permission[] = ['user.read', 'team.read', 'calendar.read', 'token.manage_own'];
/** What everyone who works records day to day can do: see them, log work, see their inbox and their own absences. */
const RECORD_WORK: Permission[] = [
  'record.read',
  'record.write',
  'activity.log',
  'assignment.read',
  'absence.manage_own',
  'notification.read_own',
  'ruleset.read',
  'pool.read',
];
const ROUTING_ADMIN: Permission[] = [
  'ruleset.write',
  'ruleset.publish',
  'pool.manage',
  'routing.route',
  'routing.simulate',
  'routing.configure',
  'assignment.override',
  'override.approve',
  'absence.manage_any',
  'queue.risk',
  'report.routing',
];
const MANAGING: Permission[] = [
  'routing.simulate',
  'assignment.override',
  'override.approve',
  'absence.manage_any',
  'queue.risk',
  'report.routing',
];

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
    ...RECORD_WORK,
    ...ROUTING_ADMIN,
    'integration.manage',
  ],
  revops: [...INTERNAL_READ, 'team.manage', 'calendar.manage', 'audit.read', ...RECORD_WORK, ...ROUTING_ADMIN, 'integration.manage'],
  sales_manager: [...INTERNAL_READ, 'audit.read', ...RECORD_WORK, ...MANAGING],
  sales_rep: [...INTERNAL_READ, ...RECORD_WORK],
  channel_manager: [...INTERNAL_READ, 'partner.manage', ...RECORD_WORK, 'assignment.override', 'queue.risk'],
  ops: [...INTERNAL_READ, 'record.read', 'assignment.read', 'notification.read_own', 'absence.manage_own'],
  finance: [...INTERNAL_READ, 'audit.read', 'record.read', 'assignment.read', 'notification.read_own', 'absence.manage_own'],
  partner_admin: [],
  partner_user: [],
  integration: [
    'user.read',
    'team.read',
    'calendar.read',
    'token.manage_own',
    'record.read',
    'record.write',
    'activity.log',
    'assignment.read',
    'routing.route',
    'ruleset.read',
    'pool.read',
    'integration.manage',
  ],
};

// ---- orders: granted in one appended block so other features' lines above stay untouched ----
const ORDER_GRANTS: Partial<Record<Role, Permission[]>> = {
  admin: [
    'order.read',
    'order.write',
    'order.release',
    'order.configure',
    'stock.manage',
    'invoice.post',
    'return.manage',
    'credit.goods',
    'credit.price',
    'variant.manage',
    'purchase.approve',
    'kpi.read',
  ],
  revops: ['order.read', 'order.configure', 'variant.manage', 'kpi.read'],
  sales_manager: ['order.read', 'order.write', 'order.release', 'return.manage', 'kpi.read'],
  sales_rep: ['order.read', 'order.write'],
  channel_manager: ['order.read', 'kpi.read'],
  ops: ['order.read', 'order.write', 'order.release', 'stock.manage', 'return.manage', 'credit.goods', 'kpi.read'],
  finance: ['order.read', 'order.release', 'invoice.post', 'credit.goods', 'credit.price', 'purchase.approve', 'kpi.read'],
  integration: ['order.read', 'order.write'],
};
for (const [role, granted] of Object.entries(ORDER_GRANTS)) (rolePermissions[role as Role] as Permission[]).push(...granted);

// ---- channel: granted in one appended block -----------------------------------------------------------
const CHANNEL_READ: Permission[] = ['partner.read', 'registration.read', 'conflict.read', 'scorecard.read'];
const CHANNEL_WORK: Permission[] = [
  ...CHANNEL_READ,
  'channel.assign',
  'registration.submit',
  'registration.review',
  'registration.close',
  'conflict.resolve',
  'expiry.decide',
];
const PORTAL_USER: Permission[] = [
  'portal.registration.read',
  'portal.registration.write',
  'portal.account.read',
  'portal.product.read',
  'portal.notice.read',
  'portal.user.read',
];
const CHANNEL_GRANTS: Partial<Record<Role, Permission[]>> = {
  admin: [...CHANNEL_WORK, 'channel.configure'],
  revops: [...CHANNEL_READ, 'channel.configure'],
  sales_manager: ['partner.read', 'conflict.read', 'conflict.resolve', 'scorecard.read'],
  sales_rep: ['partner.read'],
  channel_manager: [...CHANNEL_WORK, 'channel.configure'],
  finance: ['partner.read', 'scorecard.read'],
  integration: ['partner.read', 'registration.read', 'registration.submit', 'registration.close'],
  partner_admin: [...PORTAL_USER, 'portal.user.manage'],
  partner_user: [...PORTAL_USER],
};
for (const [role, granted] of Object.entries(CHANNEL_GRANTS)) (rolePermissions[role as Role] as Permission[]).push(...granted);

// ---- inbound sync: an integration pushes items, stock counts and customer terms from the ERP ------------
const SYNC_GRANTS: Partial<Record<Role, Permission[]>> = { integration: ['stock.manage', 'order.configure'] };
for (const [role, granted] of Object.entries(SYNC_GRANTS)) (rolePermissions[role as Role] as Permission[]).push(...granted);
