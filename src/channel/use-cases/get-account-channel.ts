import { assertCan } from '../../platform/access/can.js';
import { notFound } from '../../platform/errors.js';
import type { UseCaseContext } from '../../platform/use-case-context.js';
import { findAccount } from '../../routing/store.js';
import { type AccountView, accountView } from '../../routing/views.js';
import { type ConflictView, conflictRows, conflictView } from '../conflict-store.js';
import { ACTIVE_REGISTRATION_STATUSES } from '../partner-store.js';

export type AccountChannelView = {
  account: AccountView & { channelAssignedAt: string | null; channelAssignedBy: string | null; needsReview: boolean };
  directOwner: { id: string; name: string } | null;
  channelOwner: {
    partner: { id: string; name: string; tier: string; status: string };
    channelManager: { id: string; name: string } | null;
    assignedAt: string | null;
    assignedBy: { id: string; name: string } | null;
  } | null;
  activeRegistrations: Array<{
    id: string;
    partnerId: string;
    partnerName: string;
    productLine: string;
    status: string;
    amountMinor: number;
    currency: string;
    approvedAt: string | null;
    expiresAt: string | null;
    createdAt: string;
  }>;
  openConflicts: ConflictView[];
};

/** Who holds an account, directly and through the channel, and what is in flight on it. */
export async function getAccountChannel(ctx: UseCaseContext, accountId: string): Promise<AccountChannelView> {
  assertCan(ctx.actor, 'partner.read');
  const account = await findAccount(ctx.db, accountId);
  if (!account) throw notFound('account');
  const personIds = [account.owner_id, account.channel_assigned_by].filter((v): v is string => v !== null);
  const people = new Map((personIds.length ? await ctx.db.selectFrom('users').select(['id', 'name']).where('id', 'in', personIds).execute() : []).map((u) => [u.id, u]));
  let channelOwner: AccountChannelView['channelOwner'] = null;
  if (account.channel_partner_id) {
    const p = await ctx.db
      .selectFrom('partners')
      .leftJoin('users as m', 'm.id', 'partners.channel_manager_id')
      .select(['partners.id', 'partners.name', 'partners.tier', 'partners.status', 'm.id as manager_id', 'm.name as manager_name'])
      .where('partners.id', '=', account.channel_partner_id)
      .executeTakeFirstOrThrow();
    channelOwner = {
      partner: { id: p.id, name: p.name, tier: p.tier, status: p.status },
      channelManager: p.manager_id ? { id: p.manager_id, name: p.manager_name ?? '' } : null,
      assignedAt: account.channel_assigned_at?.toISOString() ?? null,
      assignedBy: account.channel_assigned_by ? (people.get(account.channel_assigned_by) ?? null) : null,
    };
  }
  const registrations = await ctx.db
    .selectFrom('registrations as r')
    .innerJoin('partners as p', 'p.id', 'r.partner_id')
    .select(['r.id', 'r.partner_id', 'p.name as partner_name', 'r.product_line', 'r.status', 'r.amount_minor', 'r.currency', 'r.approved_at', 'r.expires_at', 'r.created_at'])
    .where('r.account_id', '=', account.id)
    .where('r.status', 'in', ACTIVE_REGISTRATION_STATUSES)
    .orderBy('r.created_at')
    .execute();
  const now = ctx.clock.now();
  const conflicts = await conflictRows(ctx.db).where('c.account_id', '=', account.id).where('c.status', '=', 'open').orderBy('c.due_at').execute();
  return {
    account: {
      ...accountView(account),
      channelAssignedAt: account.channel_assigned_at?.toISOString() ?? null,
      channelAssignedBy: account.channel_assigned_by,
      needsReview: account.needs_review,
    },
    directOwner: account.owner_id ? (people.get(account.owner_id) ?? null) : null,
    channelOwner,
    activeRegistrations: registrations.map((r) => ({
      id: r.id,
      partnerId: r.partner_id,
      partnerName: r.partner_name,
      productLine: r.product_line,
      status: r.status,
      amountMinor: Number(r.amount_minor),
      currency: r.currency,
      approvedAt: r.approved_at?.toISOString() ?? null,
      expiresAt: r.expires_at?.toISOString() ?? null,
      createdAt: r.created_at.toISOString(),
    })),
    openConflicts: conflicts.map((c) => conflictView(c, now)),
  };
}
