import type { UseCaseContext } from '../../platform/use-case-context.js';
import { asPartnerUser, markNoticesRead } from '../portal-store.js';

/**
 * Marks the partner's notices read — the given ones, or all. Like the internal inbox, reading is not audited
 * and emits nothing; ids of other partners' notices match no row (row-level security) and change nothing.
 */
export async function markPartnerNoticesRead(ctx: UseCaseContext, request: { ids?: string[] }): Promise<{ marked: number }> {
  return asPartnerUser(ctx, 'portal.notice.read', async (trx, partnerId) => ({
    marked: await markNoticesRead(trx, partnerId, request.ids, ctx.clock.now()),
  }));
}
