import { assertCan } from '../../platform/access/can.js';
import { type Page, decodeCursor, toPage } from '../../platform/pagination.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { type ExpiryDecisionView, expiryDecisionView } from '../expiry-decision-view.js';

export type ExpiryDecisionListItem = ExpiryDecisionView & {
  partnerId: string;
  partnerName: string;
  customerName: string;
  productLine: string;
};

/** Expiry decisions, oldest due first (the channel manager's to-do list), filterable by status and partner. */
export async function listExpiryDecisions(
  ctx: UseCaseContext,
  query: { limit: number; cursor?: string | undefined; status?: 'open' | 'decided' | undefined; partnerId?: string | undefined },
): Promise<Page<ExpiryDecisionListItem>> {
  assertCan(ctx.actor, 'registration.read');
  let q = ctx.db
    .selectFrom('expiry_decisions as d')
    .innerJoin('registrations as r', 'r.id', 'd.registration_id')
    .innerJoin('partners as p', 'p.id', 'r.partner_id')
    .selectAll('d')
    .select(['r.partner_id', 'p.name as partner_name', 'r.customer_name', 'r.product_line']);
  if (query.status) q = q.where('d.status', '=', query.status);
  if (query.partnerId) q = q.where('r.partner_id', '=', query.partnerId);
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, 2) as [string, string];
    q = q.where((eb) => eb.or([eb('d.due_at', '>', new Date(at)), eb.and([eb('d.due_at', '=', new Date(at)), eb('d.id', '>', id)])]));
  }
  const rows = await q
    .orderBy('d.due_at')
    .orderBy('d.id')
    .limit(query.limit + 1)
    .execute();
  return toPage(
    rows,
    query.limit,
    (r) => ({
      ...expiryDecisionView(r),
      partnerId: r.partner_id,
      partnerName: r.partner_name,
      customerName: r.customer_name,
      productLine: r.product_line,
    }),
    (r) => [r.due_at.toISOString(), r.id],
  );
}
