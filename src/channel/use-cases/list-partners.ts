import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import { type Page, decodeCursor, toPage } from '../../platform/pagination.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { type PartnerUserView, type PartnerView, listPartnerRows, partnerUserView, partnerUsers, partnerView, readPartner } from '../partner-store.js';
import type { PartnerFilter } from '../schemas/partners.js';

export async function listPartners(ctx: UseCaseContext, filter: PartnerFilter): Promise<Page<PartnerView>> {
  assertCan(ctx.actor, 'partner.read');
  const after = filter.cursor ? (decodeCursor(filter.cursor, 2) as [string, string]) : undefined;
  const rows = await listPartnerRows(ctx.db, { ...filter, ...(after && { after }) });
  return toPage(rows, filter.limit, partnerView, (p) => [p.name.toLowerCase(), p.id]);
}

/** One partner with its portal users. */
export async function getPartner(ctx: UseCaseContext, partnerId: string): Promise<PartnerView & { users: PartnerUserView[] }> {
  assertCan(ctx.actor, 'partner.read');
  const partner = await readPartner(ctx.db, partnerId);
  if (!partner) throw notFound('partner');
  return { ...partner, users: (await partnerUsers(ctx.db, partnerId)).map(partnerUserView) };
}
