import type { Selectable } from 'kysely';
import type { Executor, RegistrationTable, Trx } from '../platform/db/database.js';
import { asPartner } from '../platform/db/partner-scope.js';
import { AppError } from '../platform/errors.js';
import type { UseCaseContext } from '../platform/use-case-context.js';
import { accountFactsOf, selectAccountsWithRegistrations } from '../routing/store.js';
import type { ActorKind } from './core/registration-lifecycle.js';
import type { ConflictFlag } from './core/conflict-flags.js';
import type { ExclusivityWindow } from './core/exclusivity.js';

export type RegistrationRow = Selectable<RegistrationTable>;

/** Internal actors act for the channel team; partner actors only ever for their own partner. */
export const actorKindOf = (ctx: UseCaseContext): ActorKind =>
  ctx.actor.kind === 'system' ? 'system' : ctx.actor.partnerId !== null ? 'partner' : 'internal';

const pad = (n: number) => String(n).padStart(2, '0');
/** A `date` column as YYYY-MM-DD (pg hands dates over as local midnight). */
export const isoDate = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export type RegistrationView = {
  id: string;
  partnerId: string;
  submittedBy: string | null;
  reference: string | null;
  accountId: string | null;
  customerName: string;
  customerDomain: string | null;
  customerCountry: string | null;
  customerRegion: string | null;
  customerPostalCode: string | null;
  customerPhone: string | null;
  productLine: string;
  amountMinor: number;
  currency: string;
  expectedCloseDate: string;
  description: string | null;
  internalNotes: string | null;
  probability: number | null;
  flags: ConflictFlag[];
  status: RegistrationRow['status'];
  decisionCode: string | null;
  decisionReason: string | null;
  infoRequest: string | null;
  approvedAt: string | null;
  lastActivityAt: string | null;
  expiresAt: string | null;
  exclusivityCapAt: string | null;
  warnAt: string | null;
  warnedAt: string | null;
  closedAt: string | null;
  expiryOutcome: RegistrationRow['expiry_outcome'];
  reassignedFromId: string | null;
  ownerId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
};

export const registrationView = (r: RegistrationRow): RegistrationView => ({
  id: r.id,
  partnerId: r.partner_id,
  submittedBy: r.submitted_by,
  reference: r.reference,
  accountId: r.account_id,
  customerName: r.customer_name,
  customerDomain: r.customer_domain,
  customerCountry: r.customer_country,
  customerRegion: r.customer_region,
  customerPostalCode: r.customer_postal_code,
  customerPhone: r.customer_phone,
  productLine: r.product_line,
  amountMinor: Number(r.amount_minor),
  currency: r.currency,
  expectedCloseDate: isoDate(r.expected_close_date),
  description: r.description,
  internalNotes: r.internal_notes,
  probability: r.probability,
  flags: r.flags as ConflictFlag[],
  status: r.status,
  decisionCode: r.decision_code,
  decisionReason: r.decision_reason,
  infoRequest: r.info_request,
  approvedAt: iso(r.approved_at),
  lastActivityAt: iso(r.last_activity_at),
  expiresAt: iso(r.expires_at),
  exclusivityCapAt: iso(r.exclusivity_cap_at),
  warnAt: iso(r.warn_at),
  warnedAt: iso(r.warned_at),
  closedAt: iso(r.closed_at),
  expiryOutcome: r.expiry_outcome,
  reassignedFromId: r.reassigned_from_id,
  ownerId: r.owner_id,
  version: r.version,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** Window columns for an update. */
export const windowColumns = (w: ExclusivityWindow) => ({
  last_activity_at: w.lastActivityAt,
  expires_at: w.expiresAt,
  exclusivity_cap_at: w.capAt,
  warn_at: w.warnAt,
  warned_at: null,
});

export const windowOf = (r: RegistrationRow): ExclusivityWindow | null =>
  r.last_activity_at && r.expires_at && r.exclusivity_cap_at && r.warn_at
    ? { lastActivityAt: r.last_activity_at, expiresAt: r.expires_at, capAt: r.exclusivity_cap_at, warnAt: r.warn_at }
    : null;

/**
 * Locks a registration for a state change. A partner actor reaches the row only through the partner wall
 * (row-level security decides whether it exists for them: a foreign id is simply not found); the full row is
 * then read with the app role, already locked, for the internal checks.
 */
export async function lockRegistration(trx: Trx, ctx: UseCaseContext, id: string): Promise<RegistrationRow> {
  const partnerId = ctx.actor.partnerId;
  if (partnerId !== null) {
    const visible = await asPartner(trx, partnerId, (t) =>
      t.selectFrom('registrations').select('id').where('id', '=', id).forUpdate().executeTakeFirst(),
    );
    if (!visible) throw new AppError('not_found', 'No such registration.');
  }
  const row = await trx.selectFrom('registrations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw new AppError('not_found', 'No such registration.');
  return row;
}

export const findRegistration = (db: Executor, id: string) =>
  db.selectFrom('registrations').selectAll().where('id', '=', id).executeTakeFirst();

export async function insertPartnerNotice(
  trx: Trx,
  now: Date,
  partnerId: string,
  registrationId: string,
  notice: { kind: 'decision' | 'expiry_warning' | 'expired' | 'info_requested' | 'extended'; title: string; body: string },
): Promise<void> {
  await trx
    .insertInto('partner_notices')
    .values({ partner_id: partnerId, registration_id: registrationId, ...notice, created_at: now })
    .execute();
}

/** Facts the registration and expiry-decision rule sets see. */
export async function registrationFacts(db: Executor, r: RegistrationRow, flagged: boolean): Promise<Record<string, unknown>> {
  const partner = await db.selectFrom('partners').select(['tier']).where('id', '=', r.partner_id).executeTakeFirst();
  const account = r.account_id
    ? await selectAccountsWithRegistrations(db).where('accounts.id', '=', r.account_id).executeTakeFirst()
    : undefined;
  return {
    id: r.id,
    partnerId: r.partner_id,
    partnerTier: partner?.tier ?? null,
    productLine: r.product_line,
    amount: Number(r.amount_minor),
    region: r.customer_region ?? account?.region ?? null,
    country: r.customer_country ?? account?.country ?? null,
    flagged,
    account: account ? accountFactsOf(account, account.active_registrations) : undefined,
  };
}
