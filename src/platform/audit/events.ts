/** Every audit event name Baton writes. Later features add theirs here, never free-form strings. */
export type AuditEventName =
  | 'user.created'
  | 'user.updated'
  | 'user.deactivated'
  | 'user.reactivated'
  | 'user.password_changed'
  | 'team.created'
  | 'team.updated'
  | 'calendar.created'
  | 'calendar.updated'
  | 'partner.created'
  | 'token.created'
  | 'token.revoked'
  | 'session.created'
  | 'session.revoked';

export type AuditedChange = {
  event: AuditEventName;
  entityType: string;
  entityId: string;
  reason?: string | null;
  before?: unknown;
  after?: unknown;
};
