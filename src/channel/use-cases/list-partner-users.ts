import { assertCan } from '../../platform/access/can.js';
import { AppError } from '../../platform/errors.js';
import { asPartner } from '../../platform/db/partner-scope.js';
import { type Page, decodeCursor, toPage } from '../../platform/pagination.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { type PartnerUserView, PARTNER_USER_COLUMNS, partnerUserView } from '../partner-store.js';

/** The partner actor's own partner; internal actors have no portal scope. */
export function partnerScopeOf(ctx: UseCaseContext): string {
  if (ctx.actor.partnerId === null) throw new AppError('forbidden', 'Only partner users have a partner scope.');
  return ctx.actor.partnerId;
}

/** Portal: the users of the caller's own partner, read behind the partner wall (RLS + column grants). */
export async function listPartnerUsers(
  ctx: UseCaseContext,
  filter: { status?: 'active' | 'deactivated'; limit: number; cursor?: string },
): Promise<Page<PartnerUserView>> {
  assertCan(ctx.actor, 'portal.user.read');
  const partnerId = partnerScopeOf(ctx);
  const rows = await ctx.db.transaction().execute((trx) =>
    asPartner(trx, partnerId, async (scoped) => {
      let query = scoped
        .selectFrom('users')
        .select(PARTNER_USER_COLUMNS)
        .where('partner_id', '=', partnerId)
        .orderBy('email')
        .orderBy('id')
        .limit(filter.limit + 1);
      if (filter.status) query = query.where('status', '=', filter.status);
      if (filter.cursor) {
        const [email, id] = decodeCursor(filter.cursor, 2) as [string, string];
        query = query.where((eb) => eb.or([eb('email', '>', email), eb.and([eb('email', '=', email), eb('id', '>', id)])]));
      }
      return query.execute();
    }),
  );
  return toPage(rows, filter.limit, partnerUserView, (u) => [u.email, u.id]);
}
