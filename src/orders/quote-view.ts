import type { Selectable } from 'kysely';
import type { QuoteTable } from '../platform/db/database.js';

export const quoteView = (r: Selectable<QuoteTable>, orderId: string | null) => ({
  id: r.id,
  channelId: r.channel_id,
  accountId: r.account_id,
  opportunityId: r.opportunity_id,
  ownerUserId: r.owner_user_id,
  status: r.status,
  validUntil: r.valid_until.toISOString(),
  lines: r.lines,
  orderId,
  version: r.version,
});
export type QuoteView = ReturnType<typeof quoteView>;
