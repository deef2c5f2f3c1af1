import type { UseCaseContext } from '../../platform/use-case-context.js';
import { type PartnerNoticeView, partnerNoticeView } from '../core/portal-projection.js';
import { asPartnerUser, listNotices } from '../portal-store.js';

/** The partner's inbox (decisions, expiry warnings, information requests), newest first. */
export async function listPartnerNotices(
  ctx: UseCaseContext,
  query: { unreadOnly?: boolean; limit: number },
): Promise<{ items: PartnerNoticeView[] }> {
  return asPartnerUser(ctx, 'portal.notice.read', async (trx, partnerId) => ({
    items: (await listNotices(trx, partnerId, query)).map(partnerNoticeView),
  }));
}
