import { sql } from 'kysely';
import { assertCan } from '../../platform/access/can.js';
import type { RegistrationStatus } from '../../platform/db/database.js';
import { type Page, decodeCursor, toPage } from '../../platform/pagination.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { type RegistrationRow, type RegistrationView, registrationView } from '../registration-store.js';

export type RegistrationListQuery = {
  limit: number;
  cursor?: string | undefined;
  status?: RegistrationStatus[] | undefined;
  partnerId?: string | undefined;
  flagged?: boolean | undefined;
  expiringWithinDays?: number | undefined;
};

export type RegistrationListItem = RegistrationView & { partnerName: string; accountName: string | null; dueAt: string | null };

/** The channel team's registration queue, newest first, with the open review's due date. */
export async function listRegistrations(ctx: UseCaseContext, query: RegistrationListQuery): Promise<Page<RegistrationListItem>> {
  assertCan(ctx.actor, 'registration.read');
  const now = ctx.clock.now();
  let q = ctx.db
    .selectFrom('registrations as r')
    .innerJoin('partners as p', 'p.id', 'r.partner_id')
    .leftJoin('accounts as a', 'a.id', 'r.account_id')
    .leftJoin('assignments as asg', (j) =>
      j.onRef('asg.record_id', '=', 'r.id').on('asg.record_type', '=', 'registration').on('asg.closed_at', 'is', null),
    )
    .selectAll('r')
    .select(['p.name as partner_name', 'a.name as account_name', 'asg.due_at as review_due_at']);
  if (query.status?.length) q = q.where('r.status', 'in', query.status);
  if (query.partnerId) q = q.where('r.partner_id', '=', query.partnerId);
  if (query.flagged !== undefined)
    q = q.where(query.flagged ? sql<boolean>`jsonb_array_length(r.flags) > 0` : sql<boolean>`jsonb_array_length(r.flags) = 0`);
  if (query.expiringWithinDays !== undefined) {
    q = q.where('r.status', '=', 'approved').where('r.expires_at', '<=', new Date(now.getTime() + query.expiringWithinDays * 86_400_000));
  }
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, 2) as [string, string];
    q = q.where((eb) =>
      eb.or([eb('r.created_at', '<', new Date(at)), eb.and([eb('r.created_at', '=', new Date(at)), eb('r.id', '<', id)])]),
    );
  }
  const rows = await q
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(query.limit + 1)
    .execute();
  return toPage(
    rows,
    query.limit,
    (r) => ({
      ...registrationView(r as RegistrationRow),
      partnerName: r.partner_name,
      accountName: r.account_name,
      dueAt: r.review_due_at?.toISOString() ?? null,
    }),
    (r) => [r.created_at.toISOString(), r.id],
  );
}
