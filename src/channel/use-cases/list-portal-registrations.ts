import { notFound } from '../../platform/errors.js';
import { type Page, decodeCursor, toPage } from '../../platform/pagination.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import {
  type PartnerRegistrationSummary,
  type PartnerRegistrationView,
  partnerRegistrationSummary,
  partnerRegistrationView,
} from '../core/portal-projection.js';
import { asPartnerUser, findOwnRegistration, listOwnRegistrations, ownRegistrationActivities } from '../portal-store.js';

/** The partner's registrations (every user of the partner sees all of them), newest first. */
export async function listPortalRegistrations(
  ctx: UseCaseContext,
  query: { status?: string; limit: number; cursor?: string },
): Promise<Page<PartnerRegistrationSummary>> {
  const after = query.cursor ? (decodeCursor(query.cursor, 2) as [string, string]) : undefined;
  return asPartnerUser(ctx, 'portal.registration.read', async (trx, partnerId) => {
    const rows = await listOwnRegistrations(trx, partnerId, { status: query.status, limit: query.limit, after });
    return toPage(rows, query.limit, partnerRegistrationSummary, (r) => [new Date(r.created_at).toISOString(), r.id]);
  });
}

/** One own registration with its own activities; another partner's id and an unknown id give the same 404. */
export async function getPortalRegistration(ctx: UseCaseContext, id: string): Promise<PartnerRegistrationView> {
  return asPartnerUser(ctx, 'portal.registration.read', async (trx, partnerId) => {
    const row = await findOwnRegistration(trx, partnerId, id);
    if (!row) throw notFound('registration');
    return partnerRegistrationView(row, await ownRegistrationActivities(trx, partnerId, id));
  });
}
