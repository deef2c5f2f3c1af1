import { sql } from 'kysely';
import type { Permission } from '../platform/access/permissions.js';
import { assertCan } from '../platform/access/can.js';
import type { Trx } from '../platform/db/database.js';
import { asPartner } from '../platform/db/partner-scope.js';
import { AppError } from '../platform/errors.js';
import { type UseCaseContext, inTransaction } from '../platform/use-case-context.js';
import {
  ACCOUNT_GRANTING_STATUSES,
  ACTIVE_REGISTRATION_STATUSES,
  PARTNER_REGISTRATION_COLUMNS,
  type PartnerActivityRow,
  type PartnerRegistrationRow,
  type PriceBreakRow,
} from './core/portal-projection.js';

/**
 * Queries of the partner portal. Every function here runs on a transaction that is already behind the partner
 * wall (`asPartner`): row-level security limits the rows and column grants limit the columns. Each query also
 * filters by the partner explicitly, so either wall alone keeps other partners out.
 */

/** The caller's partner, or `forbidden` for anyone who is not a partner user. */
export function ownPartnerId(ctx: UseCaseContext): string {
  const partnerId = ctx.actor.partnerId;
  if (!partnerId) throw new AppError('forbidden', 'The partner API is for partner users.');
  return partnerId;
}

/** Permission check, then one transaction behind the partner wall — reads included. */
export async function asPartnerUser<T>(
  ctx: UseCaseContext,
  permission: Permission,
  work: (trx: Trx, partnerId: string) => Promise<T>,
): Promise<T> {
  assertCan(ctx.actor, permission);
  const partnerId = ownPartnerId(ctx);
  return inTransaction(ctx, (trx) => asPartner(trx, partnerId, (scoped) => work(scoped, partnerId)));
}

// ---- partner --------------------------------------------------------------------------------------------
export async function findOwnPartner(trx: Trx, partnerId: string) {
  const partner = await trx
    .selectFrom('partners')
    .innerJoin('partner_tiers', 'partner_tiers.code', 'partners.tier')
    .select([
      'partners.id',
      'partners.name',
      'partners.status',
      'partners.tier',
      'partners.territory',
      'partners.registration_cap',
      'partner_tiers.name as tier_name',
      'partner_tiers.registration_cap as tier_cap',
      'partner_tiers.price_tier',
    ])
    .where('partners.id', '=', partnerId)
    .executeTakeFirst();
  return partner ?? null;
}

export async function countActiveRegistrations(trx: Trx, partnerId: string): Promise<number> {
  const row = await trx
    .selectFrom('registrations')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('partner_id', '=', partnerId)
    .where('status', 'in', [...ACTIVE_REGISTRATION_STATUSES])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---- accounts -------------------------------------------------------------------------------------------
const ACCOUNT_COLUMNS = [
  'accounts.id',
  'accounts.name',
  'accounts.domain',
  'accounts.region',
  'accounts.country',
  'accounts.industry',
  'accounts.channel_partner_id',
] as const;

function ownAccounts(trx: Trx, partnerId: string) {
  return trx
    .selectFrom('accounts')
    .select(ACCOUNT_COLUMNS)
    .where((eb) =>
      eb.or([
        eb('accounts.channel_partner_id', '=', partnerId),
        eb(
          'accounts.id',
          'in',
          eb
            .selectFrom('registrations')
            .select('registrations.account_id')
            .where('registrations.partner_id', '=', partnerId)
            .where('registrations.status', 'in', [...ACCOUNT_GRANTING_STATUSES])
            .where('registrations.account_id', 'is not', null),
        ),
      ]),
    );
}

export async function listOwnAccounts(trx: Trx, partnerId: string, page: { limit: number; after?: [string, string] }) {
  let q = ownAccounts(trx, partnerId);
  if (page.after) {
    const [name, id] = page.after;
    q = q.where((eb) => eb.or([eb('accounts.name', '>', name), eb.and([eb('accounts.name', '=', name), eb('accounts.id', '>', id)])]));
  }
  return q
    .orderBy('accounts.name')
    .orderBy('accounts.id')
    .limit(page.limit + 1)
    .execute();
}

export async function findOwnAccount(trx: Trx, partnerId: string, id: string) {
  return (await ownAccounts(trx, partnerId).where('accounts.id', '=', id).executeTakeFirst()) ?? null;
}

// ---- products -------------------------------------------------------------------------------------------
export async function listItems(trx: Trx, page: { limit: number; after?: string; productLine?: string }) {
  let q = trx.selectFrom('items').select(['id', 'sku', 'name', 'specs', 'product_line']);
  if (page.after !== undefined) q = q.where('sku', '>', page.after);
  if (page.productLine !== undefined) q = q.where('product_line', '=', page.productLine);
  return q
    .orderBy('sku')
    .limit(page.limit + 1)
    .execute();
}

/** Quantity breaks of the best price list of this price tier valid at `now`, per item. */
export async function tierPriceBreaks(trx: Trx, priceTier: string, itemIds: string[], now: Date): Promise<Map<string, PriceBreakRow[]>> {
  const out = new Map<string, PriceBreakRow[]>();
  if (itemIds.length === 0) return out;
  const rows = await sql<PriceBreakRow & { rank: string }>`
    select item_id, min_quantity, unit_price_minor, currency, rank from (
      select pli.item_id, pli.min_quantity, pli.unit_price_minor, pl.currency,
             dense_rank() over (partition by pli.item_id order by pl.priority desc, pl.valid_from desc, pl.id) as rank
      from price_list_items pli join price_lists pl on pl.id = pli.price_list_id
      where pli.item_id = any(${itemIds}::uuid[])
        and pl.tier = ${priceTier}
        and pl.valid_from <= ${now} and (pl.valid_to is null or pl.valid_to > ${now})
    ) ranked where rank = 1`.execute(trx);
  for (const r of rows.rows)
    out.set(r.item_id, [
      ...(out.get(r.item_id) ?? []),
      { item_id: r.item_id, min_quantity: r.min_quantity, unit_price_minor: r.unit_price_minor, currency: r.currency },
    ]);
  return out;
}

export async function stockLevelsOf(trx: Trx, itemIds: string[]) {
  if (itemIds.length === 0) return [];
  return trx
    .selectFrom('stock_levels')
    .select(['item_id', 'on_hand', 'allocated', 'quarantined'])
    .where('item_id', 'in', itemIds)
    .execute();
}

// ---- notices --------------------------------------------------------------------------------------------
export async function listNotices(trx: Trx, partnerId: string, query: { unreadOnly?: boolean; limit: number }) {
  let q = trx
    .selectFrom('partner_notices')
    .select(['id', 'registration_id', 'kind', 'title', 'body', 'created_at', 'read_at'])
    .where('partner_id', '=', partnerId);
  if (query.unreadOnly) q = q.where('read_at', 'is', null);
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
}

export async function markNoticesRead(trx: Trx, partnerId: string, ids: string[] | undefined, now: Date): Promise<number> {
  let q = trx.updateTable('partner_notices').set({ read_at: now }).where('partner_id', '=', partnerId).where('read_at', 'is', null);
  if (ids) q = q.where('id', 'in', ids);
  return Number((await q.executeTakeFirst()).numUpdatedRows);
}

// ---- registrations --------------------------------------------------------------------------------------
export async function listOwnRegistrations(
  trx: Trx,
  partnerId: string,
  query: { status?: string; limit: number; after?: [string, string] },
): Promise<PartnerRegistrationRow[]> {
  let q = trx.selectFrom('registrations').select(PARTNER_REGISTRATION_COLUMNS).where('partner_id', '=', partnerId);
  if (query.status) q = q.where('status', '=', query.status as never);
  if (query.after) {
    const [createdAt, id] = query.after;
    const at = new Date(createdAt);
    q = q.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]));
  }
  return q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(query.limit + 1)
    .execute();
}

export async function findOwnRegistration(trx: Trx, partnerId: string, id: string): Promise<PartnerRegistrationRow | null> {
  return (
    (await trx
      .selectFrom('registrations')
      .select(PARTNER_REGISTRATION_COLUMNS)
      .where('partner_id', '=', partnerId)
      .where('id', '=', id)
      .executeTakeFirst()) ?? null
  );
}

/** The partner's own activities on its registration (RLS: activities.partner_id is the partner). */
export async function ownRegistrationActivities(trx: Trx, partnerId: string, registrationId: string): Promise<PartnerActivityRow[]> {
  return trx
    .selectFrom('activities')
    .select(['id', 'kind', 'subject', 'notes', 'occurred_at', 'created_at'])
    .where('partner_id', '=', partnerId)
    .where('record_type', '=', 'registration')
    .where('record_id', '=', registrationId)
    .orderBy('occurred_at')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}
