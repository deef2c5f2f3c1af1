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
  | 'session.revoked'
  | 'lead.created'
  | 'lead.updated'
  | 'account.created'
  | 'account.updated'
  | 'opportunity.created'
  | 'opportunity.updated'
  | 'opportunity.stage_changed'
  | 'activity.logged'
  | 'queue.created'
  | 'escalation_policy.created'
  | 'pool.created'
  | 'pool.updated'
  | 'absence.created'
  | 'absence.deleted'
  | 'ruleset.created'
  | 'ruleset.updated'
  | 'ruleset.submitted'
  | 'ruleset.published'
  | 'ruleset.retired'
  | 'ruleset.approved'
  | 'ruleset.returned'
  | 'notification.read'
  | 'routing_policy.updated'
  | 'assignment.created'
  | 'assignment.acknowledged'
  | 'assignment.closed'
  | 'record.unassigned'
  | 'escalation.fired'
  | 'override.requested'
  | 'override.approved'
  | 'override.rejected'
  | 'notification.created'
  | 'report.exceptions_generated'
  | 'webhook.created'
  | 'webhook.updated'
  | 'webhook.secret_rotated'
  | 'webhook.disabled'
  | 'webhook.delivery_replayed'
  | 'webhook.dead_lettered';

export type AuditedChange = {
  event: AuditEventName;
  entityType: string;
  entityId: string;
  reason?: string | null;
  before?: unknown;
  after?: unknown;
};
