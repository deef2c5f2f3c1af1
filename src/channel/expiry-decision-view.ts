import type { Selectable } from 'kysely';
import type { ExpiryDecisionTable } from '../platform/db/database.js';

export type ExpiryDecisionView = {
  id: string;
  registrationId: string;
  status: 'open' | 'decided';
  decision: 'extended' | 'reassigned' | 'opened_to_direct' | null;
  reassignedToPartner: string | null;
  reason: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  dueAt: string;
  ownerId: string | null;
  version: number;
  createdAt: string;
  newRegistrationId?: string | null;
};

export const expiryDecisionView = (d: Selectable<ExpiryDecisionTable>): ExpiryDecisionView => ({
  id: d.id,
  registrationId: d.registration_id,
  status: d.status,
  decision: d.decision,
  reassignedToPartner: d.reassigned_to_partner,
  reason: d.reason,
  decidedBy: d.decided_by,
  decidedAt: d.decided_at?.toISOString() ?? null,
  dueAt: d.due_at.toISOString(),
  ownerId: d.owner_id,
  version: d.version,
  createdAt: d.created_at.toISOString(),
});
