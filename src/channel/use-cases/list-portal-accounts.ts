import { notFound } from '../../platform/errors.js';
import { type Page, decodeCursor, toPage } from '../../platform/pagination.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { type PartnerAccountView, partnerAccountView } from '../core/portal-projection.js';
import { asPartnerUser, findOwnAccount, listOwnAccounts } from '../portal-store.js';

/** The partner's own accounts: channel-owned by it, or held through an approved (or won) registration. */
export async function listPortalAccounts(
  ctx: UseCaseContext,
  query: { limit: number; cursor?: string },
): Promise<Page<PartnerAccountView>> {
  const after = query.cursor ? (decodeCursor(query.cursor, 2) as [string, string]) : undefined;
  return asPartnerUser(ctx, 'portal.account.read', async (trx, partnerId) => {
    const rows = await listOwnAccounts(trx, partnerId, { limit: query.limit, after });
    return toPage(
      rows,
      query.limit,
      (r) => partnerAccountView(r, partnerId),
      (r) => [r.name, r.id],
    );
  });
}

/** One own account; any other id — another partner's, a direct customer's, or none — is the same 404. */
export async function getPortalAccount(ctx: UseCaseContext, id: string): Promise<PartnerAccountView> {
  return asPartnerUser(ctx, 'portal.account.read', async (trx, partnerId) => {
    const row = await findOwnAccount(trx, partnerId, id);
    if (!row) throw notFound('account');
    return partnerAccountView(row, partnerId);
  });
}
