import { sql } from 'kysely';
import type { Executor } from '../platform/db/database.js';

/** Registrations that hold a slot under the partner's cap. */
export const ACTIVE_REGISTRATION_STATUSES = ['submitted', 'under_review', 'returned', 'approved'] as const;

const partnerRows = (db: Executor) =>
  db
    .selectFrom('partners')
    .innerJoin('partner_tiers', 'partner_tiers.code', 'partners.tier')
    .leftJoin('users as manager', 'manager.id', 'partners.channel_manager_id')
    .select([
      'partners.id',
      'partners.name',
      'partners.status',
      'partners.tier',
      'partner_tiers.name as tier_name',
      'partner_tiers.registration_cap as tier_cap',
      'partners.territory',
      'partners.domains',
      'partners.registration_cap',
      'partners.channel_manager_id',
      'manager.name as channel_manager_name',
      'partners.version',
      'partners.created_at',
      'partners.updated_at',
    ])
    .select((eb) =>
      eb
        .selectFrom('registrations')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('registrations.partner_id', '=', 'partners.id')
        .where('registrations.status', 'in', ACTIVE_REGISTRATION_STATUSES)
        .as('active_registrations'),
    );

type PartnerRow = Awaited<ReturnType<ReturnType<typeof partnerRows>['executeTakeFirstOrThrow']>>;

export const partnerView = (p: PartnerRow) => ({
  id: p.id,
  name: p.name,
  status: p.status,
  tier: p.tier,
  tierName: p.tier_name,
  territory: p.territory,
  domains: p.domains,
  registrationCap: p.registration_cap,
  effectiveRegistrationCap: p.registration_cap ?? p.tier_cap,
  activeRegistrations: Number(p.active_registrations ?? 0),
  channelManagerId: p.channel_manager_id,
  channelManager: p.channel_manager_id ? { id: p.channel_manager_id, name: p.channel_manager_name ?? '' } : null,
  version: p.version,
  createdAt: p.created_at.toISOString(),
  updatedAt: p.updated_at.toISOString(),
});
export type PartnerView = ReturnType<typeof partnerView>;

export const readPartner = async (db: Executor, id: string) => {
  const row = await partnerRows(db).where('partners.id', '=', id).executeTakeFirst();
  return row ? partnerView(row) : undefined;
};

export async function listPartnerRows(db: Executor, filter: { status?: string; tier?: string; q?: string; after?: [string, string]; limit: number }) {
  let query = partnerRows(db)
    .orderBy(sql`lower(partners.name)`)
    .orderBy('partners.id')
    .limit(filter.limit + 1);
  if (filter.status) query = query.where('partners.status', '=', filter.status as 'active');
  if (filter.tier) query = query.where('partners.tier', '=', filter.tier);
  if (filter.q) query = query.where('partners.name', 'ilike', `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (filter.after) {
    const [name, id] = filter.after;
    query = query.where(sql<boolean>`(lower(partners.name), partners.id) > (${name}, ${id}::uuid)`);
  }
  return query.execute();
}

export const lockPartner = (db: Executor, id: string) => db.selectFrom('partners').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const partnerNameTaken = async (db: Executor, name: string, exceptId?: string) => {
  let query = db.selectFrom('partners').select('id').where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()));
  if (exceptId) query = query.where('id', '<>', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
};

export const tierExists = async (db: Executor, code: string) => (await db.selectFrom('partner_tiers').select('code').where('code', '=', code).executeTakeFirst()) !== undefined;

/** A channel manager must be a person who does channel work: an active channel_manager or admin. */
export const isEligibleChannelManager = async (db: Executor, userId: string) =>
  (await db
    .selectFrom('users')
    .select('id')
    .where('id', '=', userId)
    .where('status', '=', 'active')
    .where('role', 'in', ['channel_manager', 'admin'])
    .where('partner_id', 'is', null)
    .executeTakeFirst()) !== undefined;

/** Partner users as the portal and the partner page show them (only columns the partner role may read). */
export const PARTNER_USER_COLUMNS = ['id', 'email', 'name', 'role', 'partner_id', 'status', 'version', 'created_at'] as const;
export type PartnerUserRow = { id: string; email: string; name: string; role: string; partner_id: string | null; status: 'active' | 'deactivated'; version: number; created_at: Date };
export const partnerUserView = (u: PartnerUserRow) => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: u.role as 'partner_admin' | 'partner_user',
  partnerId: u.partner_id!,
  status: u.status,
  version: u.version,
  createdAt: u.created_at.toISOString(),
});
export type PartnerUserView = ReturnType<typeof partnerUserView>;

export const partnerUsers = (db: Executor, partnerId: string) =>
  db.selectFrom('users').select(PARTNER_USER_COLUMNS).where('partner_id', '=', partnerId).orderBy('email').orderBy('id').execute();
